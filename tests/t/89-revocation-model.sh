# A model-based test of revocation: random sequences of CA events (revoke,
# hold, release a hold, reissue the CRL, a delta CRL, the root revoking an
# intermediate, a key rollover) and of what the sources serve (current,
# replayed and expired answers, a responder down, a CRL unreachable,
# out-of-scope CRLs, another key's CRL or response), interleaved with
# "certpolicy refresh". After every step certpolicyd answers for every
# enrolled certificate: one shown revoked or on hold (not lifted) by a
# verified answer, or under an intermediate shown revoked, is never OK; one
# good at the CA whose status and whose intermediate's status are good and
# fresh by the rules of "What a status may become" is OK. Every CRL and
# OCSP response comes from "openssl ca" and "openssl ocsp", made once per
# run; each sequence is one case. The model and its readings of the
# contract: tests/model/revocation_model.pl. CERTPOLICY_MODEL_SEED (default
# 1010) and CERTPOLICY_MODEL_SEQUENCES (default 200) change the run;
# CERTPOLICY_MODEL_ONLY=N reruns one sequence, as a failure says.
. "$SRCDIR/tests/lib.sh"
CERTPOLICYD=$(certpolicyd_cmd)
WORKDIR=$T
export CERTPOLICY CERTPOLICYD WORKDIR GROUP RESULTS
perl "$SRCDIR/tests/model/revocation_model.pl" || fail "the model's driver" "exited $?"
