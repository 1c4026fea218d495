# A model-based test of revocation: random sequences of CA events (revoke,
# hold, release a hold, reissue the CRL, a delta CRL, the root revoking an
# intermediate, a key rollover) and of what the sources serve (current,
# replayed and expired answers, a responder down, a CRL unreachable,
# out-of-scope CRLs, another key's CRL or response), interleaved with
# "certpolicy refresh". After every step: a certificate refresh has been
# shown revoked (or on hold, not lifted), or under an intermediate shown
# revoked, is never answered OK; a good certificate with a fresh verified
# good status, under a good intermediate, is answered OK. Every CRL and
# OCSP response comes from "openssl ca" and "openssl ocsp", made once per
# run; each sequence is one case. The model: tests/model/revocation_model.pl.
# CERTPOLICY_MODEL_SEED (default 1010) and CERTPOLICY_MODEL_SEQUENCES
# (default 200) change the run; a failure prints how to rerun it alone.
. "$SRCDIR/tests/lib.sh"
CERTPOLICYD=$(certpolicyd_cmd)
WORKDIR=$T
export CERTPOLICY CERTPOLICYD WORKDIR GROUP RESULTS
perl "$SRCDIR/tests/model/revocation_model.pl" || fail "the model's driver" "exited $?"
