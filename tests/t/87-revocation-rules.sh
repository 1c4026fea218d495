# The rules of "What a status may become", each tried as an attacker or an
# unlucky administrator would, against real parts: CRLs from "openssl ca
# -gencrl" (old ones served again, holds), "openssl ocsp" responders (up,
# down, answering unknown, a captured response replayed), several sources
# at once, a public-key pin, workers sharing no lookup state, and the
# status history itself. Which CRLs and answers count for a certificate
# (complete CRLs, issuers by key) is 87-revocation-issuers. After each step
# the tests look at status.cdb per certificate and at certpolicyd's answer.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/revocation.sh"
rv_rules

# 1a. "ocsp, crl": the CRL is valid but older than carol's revocation.
# With the responder up she is revoked; with it down the older CRL's
# "good" must not bring her back.
gencrl "$T/before.crl" -crl_lastupdate "$(stamp '1 hour ago')" -crl_nextupdate "$(stamp '7 days')"
revoke carol.pem -crl_reason keyCompromise
responder
rm -f "$STATUS"
CRLSRC=$T/before.crl conf "ocsp, crl"
refresh
check_eq "1a: responder up: carol revoked by ocsp" "revoked	ocsp	keyCompromise" "$(state carol)"
check_eq "1a: responder up: carol rejected" "$REJ" "$(answer carol)"
stop "$OCSPPID"
refresh
check_eq "1a: responder down, an older CRL says good: carol stays revoked" \
    "revoked	ocsp	keyCompromise" "$(state carol)"
check_eq "1a: responder down: carol still rejected" "$REJ" "$(answer carol)"
check "1a: the refused answer is reported" \
    grep -q "client carol (serial [0-9A-F]*): refused \"good by crl .*: a revocation is final" "$T/out"
check_eq "1a: alice keeps her newer good status (the CRL's is older)" "good	ocsp	" "$(state alice)"
check_eq "1a: alice permitted" "action=OK" "$(answer alice)"

# 1b. A "good" response for bob captured before his revocation, without a
# nonce, served again at the responder's address after he was revoked.
responder
openssl ocsp -issuer ca.pem -cert bob.pem -url "http://127.0.0.1:$P_OCSP/" -no_nonce \
    -respout "$T/bob-good.der" >/dev/null 2>&1
check "1b: a response to replay was captured" test -s "$T/bob-good.der"
stop "$OCSPPID"
revoke bob.pem -crl_reason keyCompromise
responder
rm -f "$STATUS"
conf ocsp
refresh
check_eq "1b: bob revoked by ocsp" "revoked	ocsp	keyCompromise" "$(state bob)"
stop "$OCSPPID"
serve "$P_OCSP" "$SERVE" -p "$P_OCSP" -t application/ocsp-response "$T/bob-good.der"
REPLAYPID=$SPID
refresh
check "1b: the replayed response is verified (no nonce, accepted with a warning)" \
    grep -q "client bob .*the response has no nonce" "$T/out"
check_eq "1b: bob stays revoked" "revoked	ocsp	keyCompromise" "$(state bob)"
check_eq "1b: bob rejected" "$REJ" "$(answer bob)"
check "1b: the replayed good answer is refused" \
    grep -q "client bob (serial [0-9A-F]*): refused \"good by ocsp .*: a revocation is final" "$T/out"
stop "$REPLAYPID"

# An answer older than the recorded status is a replay: a response made
# (by a responder whose clock runs 10 minutes ahead) after the captured one
# is recorded; the captured one, served again, changes nothing.
serve "$P_OCSP" env LD_PRELOAD="$BUILDDIR/tests/tools/fakeclock.so" CERTPOLICY_TEST_CLOCK=+600 \
    openssl ocsp -index index.txt -port "$P_OCSP" -rsigner ca.pem -rkey ca.key -CA ca.pem -nmin 30
OCSPPID=$SPID
openssl ocsp -issuer ca.pem -cert alice.pem -url "http://127.0.0.1:$P_OCSP/" -no_nonce \
    -respout "$T/alice-future.der" >/dev/null 2>&1
stop "$OCSPPID"
responder
openssl ocsp -issuer ca.pem -cert alice.pem -url "http://127.0.0.1:$P_OCSP/" -no_nonce \
    -respout "$T/alice-now.der" >/dev/null 2>&1
stop "$OCSPPID"
rm -f "$STATUS"
serve "$P_OCSP" "$SERVE" -p "$P_OCSP" -t application/ocsp-response "$T/alice-future.der"
CLIENTS="client alice cert=$PKI/alice.pem" conf ocsp
run_capture "$T/out" at_clock +600 "$CERTPOLICY" -c "$T/c.conf" refresh
check_eq "a response from 10 minutes ahead, refreshed then: alice good" "good	ocsp	" "$(state alice)"
newer=$(cdb -q "$STATUS" "s:$(fp_openssl alice.pem sha256)" | cut -f3)
stop "$SPID"
serve "$P_OCSP" "$SERVE" -p "$P_OCSP" -t application/ocsp-response "$T/alice-now.der"
refresh
check "an older response served again: verified" grep -q "client alice .*the response has no nonce" "$T/out"
check_eq "an older response served again: the newer recorded status stays" "$newer" \
    "$(cdb -q "$STATUS" "s:$(fp_openssl alice.pem sha256)" | cut -f3)"
stop "$SPID"

# 1c. carol revoked by the CRL; then the responder knows nothing
# ("unknown") and the CRL cannot be had. Under revocation_failure =
# permit she must still be rejected; alice keeps her good status.
: >"$T/empty-index.txt"
responder "$T/empty-index.txt"
gencrl "$T/carol.crl"
rm -f "$STATUS"
CRLSRC=$T/carol.crl conf "ocsp, crl"
refresh
check_eq "1c: carol revoked by the CRL (the responder says unknown)" "revoked	crl	keyCompromise" "$(state carol)"
check_eq "1c: alice good by the CRL (unknown does not replace it)" "good	crl	" "$(state alice)"
FAILURE=permit CRLSRC=$T/nowhere.crl conf "ocsp, crl"
refresh
check_eq "1c: unknown and the CRL unreachable: carol stays revoked" "revoked	crl	keyCompromise" "$(state carol)"
check_eq "1c: carol rejected under revocation_failure = permit" "$REJ" "$(answer carol)"
check_eq "1c: alice keeps good by crl (unknown never replaces it)" "good	crl	" "$(state alice)"
check "1c: says unknown never replaces a definite status" \
    grep -q "client alice .*refused \"unknown to ocsp.*unknown never replaces a definite status" "$T/out"
stop "$OCSPPID"

# "ocsp, crl": both sources are asked at each refresh, and a good status
# is fresh while a verified good answer behind it is. The responder's
# answers live a minute, the CRL (an hour older) a week: the newer OCSP
# answer is recorded, fresh until the CRL's nextUpdate; and once a
# recorded OCSP answer has expired, the older CRL, still fresh, keeps
# alice good instead of leaving her unavailable.
gencrl "$T/week.crl" -crl_lastupdate "$(stamp '1 hour ago')" -crl_nextupdate "$(stamp '7 days')"
week=$(date -u -d "$(openssl crl -in "$T/week.crl" -inform DER -noout -nextupdate | cut -d= -f2)" +%s)
serve "$P_OCSP" openssl ocsp -index index.txt -port "$P_OCSP" -rsigner ca.pem -rkey ca.key -CA ca.pem -nmin 1
OCSPPID=$SPID
ALICE="client alice cert=$PKI/alice.pem"
nextupdate() { cdb -q "$STATUS" "s:$(fp_openssl alice.pem sha256)" | cut -f4; }
rm -f "$STATUS"
CLIENTS=$ALICE CRLSRC=$T/week.crl conf "ocsp, crl"
refresh
check_eq "ocsp, crl, both good: the newer answer (ocsp) is recorded" "good	ocsp	" "$(state alice)"
check_eq "ocsp, crl, both good: fresh until the CRL's nextUpdate" "$week" "$(nextupdate)"
rm -f "$STATUS"
CLIENTS=$ALICE CRLSRC=$T/nowhere.crl conf "ocsp, crl"
refresh
check_eq "ocsp, crl, the CRL unreachable: good by ocsp" "good	ocsp	" "$(state alice)"
check "ocsp, crl, the CRL unreachable: fresh for the responder's minute" \
    test "$(nextupdate)" -le $(( $(date +%s) + 70 ))
stop "$OCSPPID"
pa() { printf 'client_address=192.0.2.1\nccert_fingerprint=%s\n\n' "$(fp_openssl alice.pem sha256)"; }
check_eq "ocsp, crl: 10 minutes later the OCSP answer has expired" "$DEF" \
    "$(pa | at_clock +600 "$CERTPOLICYD" -d "$T/db.cdb" -L "$T/d.log" | head -1)"
CLIENTS=$ALICE CRLSRC=$T/week.crl conf "ocsp, crl"
run_capture "$T/out" at_clock +600 "$CERTPOLICY" -c "$T/c.conf" refresh
check_eq "ocsp, crl, 10 minutes later, the responder down: the older CRL keeps alice good" \
    "good	ocsp	" "$(state alice)"
check_eq "ocsp, crl, 10 minutes later: fresh until the CRL's nextUpdate" "$week" "$(nextupdate)"
check_eq "ocsp, crl, 10 minutes later: alice permitted" "action=OK" \
    "$(pa | at_clock +600 "$CERTPOLICYD" -d "$T/db.cdb" -L "$T/d.log" | head -1)"

# 4. Workers share no tinycdb lookup state: every cdb_find made slow (as a
# legal thread schedule may), 24 certificates, half of them revoked, 8
# workers; with every source failing, each keeps its own earlier status.
i=0
: >"$T/many.clients"
while [ $i -lt 24 ]; do
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/m$i.key" 2>/dev/null
    openssl req -new -key "$T/m$i.key" -subj "/CN=m$i" -out "$T/m$i.csr" -config ca.cnf 2>/dev/null
    openssl ca -batch -config ca.cnf -in "$T/m$i.csr" -out "$T/m$i.pem" -notext -days 30 >/dev/null 2>&1
    [ $((i % 2)) = 0 ] && revoke "$T/m$i.pem" -crl_reason superseded
    echo "client m$i cert=$T/m$i.pem" >>"$T/many.clients"
    i=$((i + 1))
done
gencrl "$T/many.crl"
rm -f "$STATUS"
CLIENTS=$(cat "$T/many.clients") CRLSRC=$T/many.crl conf crl
sed -i 's/^fetch_timeout = 2s/&\nfetch_concurrency = 8/' "$T/c.conf"
"$CERTPOLICY" -c "$T/c.conf" compile >/dev/null 2>&1
refresh
check "4: 12 good, 12 revoked" grep -q "24 certificates: 12 good, 12 revoked" "$T/out"
for i in $(seq 0 23); do state "m$i" "$T/m$i.pem"; done >"$T/many.before"
sed -i "s|^crl_source = .*|crl_source = $T/nowhere.crl|" "$T/c.conf"
"$CERTPOLICY" -c "$T/c.conf" compile >/dev/null 2>&1
run_capture "$T/out" env LD_PRELOAD="$BUILDDIR/tests/tools/slowcdb.so" \
    ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0" "$CERTPOLICY" -c "$T/c.conf" refresh
check "4: with a slow cdb_find every certificate kept a status" grep -q "24 failed (24 kept their previous status)" "$T/out"
for i in $(seq 0 23); do state "m$i" "$T/m$i.pem"; done >"$T/many.after"
check_golden "4: each certificate kept its own status" "$T/many.before" "$T/many.after"

# 5. A public-key pin follows its key: dave has cert= and
# pubkey_fingerprint=; once the CA revokes his certificate, a self-signed
# certificate made with the same key gets nothing, whatever
# revocation_failure says.
openssl req -x509 -new -key dave.key -subj "/CN=dave self-signed" -days 30 -out "$T/dave-self.pem" 2>/dev/null
PIN="client alice cert=$PKI/alice.pem
client dave cert=$PKI/dave.pem pubkey_fingerprint=$(pubfp_openssl dave.pem sha256)"
gencrl "$T/dave-good.crl"
rm -f "$STATUS"
CLIENTS=$PIN CRLSRC=$T/dave-good.crl conf crl
refresh
check_eq "5: the key's certificate good: the pin permits a certificate with that key" "action=OK" \
    "$(answer dave "$T/dave-self.pem")"
revoke dave.pem -crl_reason keyCompromise
gencrl "$T/dave-revoked.crl"
for failure in permit defer; do
    FAILURE=$failure CLIENTS=$PIN CRLSRC=$T/dave-revoked.crl conf crl
    refresh
    check_eq "5 ($failure): dave's certificate revoked" "revoked	crl	keyCompromise" "$(state dave)"
    rm -f "$T/d.log"
    check_eq "5 ($failure): the pin permits nothing: self-signed with dave's key rejected" "$REJ" \
        "$(answer dave "$T/dave-self.pem")"
    check "5 ($failure): logged as the pinned key revoked" \
        grep -q 'name=dave outcome=revoked .*reason="pinned key revoked by the CA (crl: keyCompromise)"' "$T/d.log"
done
PINSRC="client alice cert=$PKI/alice.pem revoked=2026-01-01
client alicepin pubkey_fingerprint=$(pubfp_openssl alice.pem sha256)"
openssl req -x509 -new -key alice.key -subj "/CN=alice self-signed" -days 30 -out "$T/alice-self.pem" 2>/dev/null
FAILURE=permit CLIENTS=$PINSRC CRLSRC=$T/dave-revoked.crl conf crl
refresh
check_eq "5: a certificate revoked in the source: another client's pin of its key permits nothing" \
    "$REJ" "$(answer alicepin "$T/alice-self.pem")"

# certificateHold: revoked while held; an older CRL without the hold is
# refused; a hold is lifted only by a newer CRL.
revoke alice.pem -crl_hold holdInstructionReject
gencrl "$T/hold.crl" -crl_lastupdate "$(stamp '2 hours ago')" -crl_nextupdate "$(stamp '7 days')"
serial=$(openssl x509 -in alice.pem -noout -serial | cut -d= -f2)
awk -F '\t' -v OFS='\t' -v s="$serial" '$4 == s { $1 = "V"; $3 = "" } 1' index.txt >"$T/index.released"
cp index.txt "$T/index.held"
cp "$T/index.released" index.txt
gencrl "$T/released-older.crl" -crl_lastupdate "$(stamp '3 hours ago')" -crl_nextupdate "$(stamp '7 days')"
gencrl "$T/released.crl" -crl_lastupdate "$(stamp '1 hour ago')" -crl_nextupdate "$(stamp '7 days')"
rm -f "$STATUS"
CLIENTS="client alice cert=$PKI/alice.pem" CRLSRC=$T/hold.crl conf crl
refresh
check_eq "hold: alice on hold" "revoked	crl	certificateHold" "$(state alice)"
check_eq "hold: alice rejected" "$REJ" "$(answer alice)"
CLIENTS="client alice cert=$PKI/alice.pem" CRLSRC=$T/released-older.crl conf crl
refresh
check_eq "hold: a release older than the hold is refused" "revoked	crl	certificateHold" "$(state alice)"
check "hold: says why" grep -q "a hold is lifted only by an answer newer than the one that reported it" "$T/out"
CLIENTS="client alice cert=$PKI/alice.pem" CRLSRC=$T/released.crl conf crl
refresh
check_eq "hold: a newer CRL without her lifts the hold" "good	crl	" "$(state alice)"
check_eq "hold: alice permitted again" "action=OK" "$(answer alice)"

# A hold recorded by OCSP outlives a later "unknown" from the responder
# (10 minutes later: the responder and refresh run on a clock 10 minutes
# ahead), and then a "good" captured before the hold (no nonce, from a
# responder whose clock ran 10 minutes behind), served again: the hold stays.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/hank.key" 2>/dev/null
openssl req -new -key "$T/hank.key" -subj "/CN=hank" -out "$T/hank.csr" -config ca.cnf 2>/dev/null
openssl ca -batch -config ca.cnf -in "$T/hank.csr" -out "$T/hank.pem" -notext -days 30 >/dev/null 2>&1
serve "$P_OCSP" env LD_PRELOAD="$BUILDDIR/tests/tools/fakeclock.so" CERTPOLICY_TEST_CLOCK=-600 \
    openssl ocsp -index index.txt -port "$P_OCSP" -rsigner ca.pem -rkey ca.key -CA ca.pem -nmin 60
openssl ocsp -issuer ca.pem -cert "$T/hank.pem" -url "http://127.0.0.1:$P_OCSP/" -no_nonce \
    -respout "$T/hank-good.der" >/dev/null 2>&1
stop "$SPID"
check "hold by ocsp: a good response to replay was captured" test -s "$T/hank-good.der"
revoke "$T/hank.pem" -crl_hold holdInstructionReject
responder
rm -f "$STATUS"
HANK="client hank cert=$T/hank.pem"
CLIENTS=$HANK conf ocsp
refresh
check_eq "hold by ocsp: hank on hold" "revoked	ocsp	certificateHold" "$(state hank "$T/hank.pem")"
stop "$OCSPPID"
grep -v "/CN=hank\$" index.txt >"$T/index.nohank"
serve "$P_OCSP" env LD_PRELOAD="$BUILDDIR/tests/tools/fakeclock.so" CERTPOLICY_TEST_CLOCK=+600 \
    openssl ocsp -index "$T/index.nohank" -port "$P_OCSP" -rsigner ca.pem -rkey ca.key -CA ca.pem -nmin 10
OCSPPID=$SPID
run_capture "$T/out" at_clock +600 "$CERTPOLICY" -c "$T/c.conf" refresh
check_eq "hold by ocsp, then unknown: the hold stays" "revoked	ocsp	certificateHold" \
    "$(state hank "$T/hank.pem")"
check "hold by ocsp, then unknown: says why" \
    grep -q "client hank .*refused \"unknown to ocsp.*unknown never replaces a definite status" "$T/out"
stop "$OCSPPID"
serve "$P_OCSP" "$SERVE" -p "$P_OCSP" -t application/ocsp-response "$T/hank-good.der"
refresh
check "hold by ocsp, a good from before it replayed: verified (no nonce)" \
    grep -q "client hank .*the response has no nonce" "$T/out"
check_eq "hold by ocsp, a good from before it replayed: the hold stays" "revoked	ocsp	certificateHold" \
    "$(state hank "$T/hank.pem")"
check_eq "hold by ocsp, a good from before it replayed: hank rejected (defer)" "$REJ" \
    "$(answer hank "$T/hank.pem")"
stop "$SPID"

# A previous status database that is there but cannot be read (an
# in-place copy cut short) is not an empty history: refresh refuses and
# leaves it, or an old CRL served again would undo carol's revocation.
gencrl "$T/f6.crl"
CAROL="client carol cert=$PKI/carol.pem"
rm -f "$STATUS"
CLIENTS=$CAROL CRLSRC=$T/f6.crl conf crl
refresh
check_eq "unreadable history: carol revoked" "revoked	crl	keyCompromise" "$(state carol)"
head -c 200 "$STATUS" >"$T/status.cut"
cp "$T/status.cut" "$STATUS"
CLIENTS=$CAROL CRLSRC=$T/before.crl conf crl
refresh
check_eq "unreadable history: refresh fails" "exit 1" "$(tail -1 "$T/out")"
check "unreadable history: the message names the file and what to do" \
    grep -q "status database $STATUS: .*not refreshed .*move it away to start a new history" "$T/out"
check "unreadable history: the file is left as it was" cmp -s "$T/status.cut" "$STATUS"
check_eq "unreadable history: carol is not permitted (error action)" \
    "action=DEFER 4.3.0 Client certificate service unavailable" "$(answer carol)"
mv "$STATUS" "$T/status.moved"
CLIENTS=$CAROL CRLSRC=$T/f6.crl conf crl
refresh
check_eq "unreadable history moved away: a new history starts" "exit 0" "$(tail -1 "$T/out")"

# A client revoked in the source keeps the record of her CA's revocation:
# revoked= lifted again, with the CRL unreachable, she is still revoked.
CLIENTS="client carol cert=$PKI/carol.pem revoked=2026-01-01" CRLSRC=$T/f6.crl conf crl
refresh
check_eq "revoked= in the source: carol's CA revocation is kept" "revoked	crl	keyCompromise" "$(state carol)"
FAILURE=permit CLIENTS=$CAROL CRLSRC=$T/nowhere.crl conf crl
refresh
check_eq "revoked= lifted, the CRL unreachable: carol still revoked" "revoked	crl	keyCompromise" \
    "$(state carol)"
check_eq "revoked= lifted: carol rejected under revocation_failure = permit" "$REJ" "$(answer carol)"

# Another fingerprint_digest forgets nothing: the record is found under
# the digest it was made with and kept under the new one.
FAILURE=permit CLIENTS=$CAROL CRLSRC=$T/nowhere.crl conf crl
sed -i '1i fingerprint_digest = sha1' "$T/c.conf"
"$CERTPOLICY" -c "$T/c.conf" compile >"$T/compile.out" 2>&1 || fail "compile sha1" "$(cat "$T/compile.out")"
refresh
check_eq "fingerprint_digest sha256 -> sha1: carol's revocation kept under sha1" \
    "revoked	crl	keyCompromise" \
    "$(cdb -q "$STATUS" "s:$(fp_openssl carol.pem sha1)" 2>/dev/null | cut -f1,2,6)"

# A response with two SingleResponses for one certificate, "good" first
# and then "revoked" (RFC 6960 allows several; tests/tools/ocsp_twice signs
# it with the CA's key, since the openssl CLI cannot): the revocation wins.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/jon.key" 2>/dev/null
openssl req -new -key "$T/jon.key" -subj "/CN=jon" -out "$T/jon.csr" -config ca.cnf 2>/dev/null
openssl ca -batch -config ca.cnf -in "$T/jon.csr" -out "$T/jon.pem" -notext -days 30 >/dev/null 2>&1
check "two answers for one certificate: the response is made" \
    "$BUILDDIR/tests/tools/ocsp_twice" "$T/jon.pem" ca.pem ca.pem ca.key "$T/jon-twice.der"
serve "$P_OCSP" "$SERVE" -p "$P_OCSP" -t application/ocsp-response "$T/jon-twice.der"
rm -f "$STATUS"
CLIENTS="client jon cert=$T/jon.pem" conf ocsp
refresh
check_eq "two answers for one certificate, good then revoked: jon revoked" \
    "revoked	ocsp	keyCompromise" "$(state jon "$T/jon.pem")"
check_eq "two answers for one certificate: jon rejected" "$REJ" "$(answer jon "$T/jon.pem")"
stop "$SPID"

# Also found: unavailable_action may not permit.
cp "$T/db.cdb" "$T/db.before"
conf crl
sed -i 's/^revocation_failure = defer/&\nunavailable_action = OK/' "$T/c.conf"
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" compile
check "unavailable_action = OK is refused" grep -q "c.conf:[0-9]*: unavailable_action must not permit (OK)" "$T/out"
check_eq "unavailable_action = OK: exit 1" "exit 1" "$(tail -1 "$T/out")"

# A status database of format 1 (before the rules) is read, not misread.
CRLSRC=$T/nowhere.crl conf crl
now=$(date +%s)
{
    printf '+24,1:certpolicy:status-format->1\n'
    for who in alice carol; do
        key="s:$(fp_openssl "$who.pem" sha256)"
        if [ $who = carol ]; then
            val="revoked	crl	$((now - 60))	$((now + 3600))	$((now - 120))	keyCompromise"
        else
            val="good	crl	$((now - 60))	$((now + 3600))	-	"
        fi
        printf '+%d,%d:%s->%s\n' ${#key} ${#val} "$key" "$val"
    done
    echo
} | cdb -c "$STATUS"
check_eq "format 1 status database: carol rejected" "$REJ" "$(answer carol)"
check_eq "format 1 status database: alice permitted" "action=OK" "$(answer alice)"
refresh
check_eq "format 1 status database: refresh keeps carol's revocation" "revoked	crl	keyCompromise" "$(state carol)"
check_eq "format 1 status database: rewritten as format 2" "2" "$(cdb -q "$STATUS" certpolicy:status-format)"
