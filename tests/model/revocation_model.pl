#!/usr/bin/perl
# revocation_model.pl - the model-based revocation test (tests/t/89-revocation-model.sh)
#
# A PKI made with the openssl CLI: a root "Model Root", two intermediates
# of the same name "Model CA" with different keys (ca1, and ca2 after a key
# rollover; their client serial numbers overlap), clients a1-a3 under ca1
# and b1-b2 under ca2. A number of random CA histories ("timelines") are
# written once as the CA's index files, epoch by epoch (revoke, hold,
# release a hold, reissue, the root revokes an intermediate), and every
# CRL and OCSP response of every epoch is made once by "openssl ca -gencrl"
# and "openssl ocsp" (complete CRLs, delta CRLs, ARLs and user-only CRLs,
# expired CRLs, "unknown" responses). Those are the pool. One timeline of
# it is read back with "openssl verify -crl_check_all" (and -extended_crl
# -use_deltas for base + delta) and "openssl ocsp -respin", which must tell
# what the model says each artefact tells.
#
# A sequence picks a timeline and settings, then walks: at each step the
# CA may move on, and each source (the three CRLs, the three responders)
# serves the current answer, an old one (a replay), nothing (down), an
# out-of-scope CRL, another key's answer... Then "certpolicy refresh" runs
# and certpolicyd answers for every enrolled certificate.
#
# A verified answer for a certificate C, at a refresh at time now, is
#   CRL:  one at hand (crl_source: every file; else C's distribution
#         point) signed by the key of C's issuer, complete for C (a delta
#         only with the base it names; an ARL only for a CA, a user-only CRL
#         only for a client), thisUpdate <= now + clock_skew <= nextUpdate
#         + clock_skew; of several, the highest cRLNumber, then thisUpdate;
#   OCSP: the response of C's responder (AIA) signed by that key, with C's
#         status, within its thisUpdate/nextUpdate;
# read only by the methods of revocation_check. The status refresh must
# hold for C folds each refresh's verified answers, oldest first, into the
# last one: revoked is final; an answer older than the status is a replay;
# a hold is lifted only by a good answer with a later thisUpdate; unknown
# never replaces a definite status. After each step:
#   safety: C is not answered OK when its status is revoked or on hold, or
#           its intermediate's status is revoked;
#   liveness: C is answered OK when it and its intermediate are good at the
#           CA and both statuses are good and fresh (nextUpdate +
#           clock_skew not passed).
# Where the contract leaves a choice open (with "ocsp, crl", whether the
# CRL is read when OCSP answered; how cRLNumber is tracked per key), every
# reading is modelled and an invariant is enforced only when all agree.
#
# Environment: WORKDIR, RESULTS, GROUP, CERTPOLICY, CERTPOLICYD (from the
# group script); CERTPOLICY_MODEL_SEED (base seed, default 1010),
# CERTPOLICY_MODEL_SEQUENCES (default 200), CERTPOLICY_MODEL_ONLY (run one
# sequence by number), CERTPOLICY_MODEL_TIMELINES (default 10),
# CERTPOLICY_MODEL_JOBS (processes running sequences, default 2). Each
# sequence is one case; it walks all its steps and reports the first
# violation with the whole sequence up to it, and how many steps violated.
use strict;
use warnings;
use Digest::SHA qw(sha256_hex);
use MIME::Base64 qw(decode_base64);
use POSIX qw(strftime);
use Time::HiRes ();
use Time::Local ();
use FindBin ();
use lib $FindBin::Bin;
use RevocationRules;
use File::Path qw(make_path remove_tree);

my $W = $ENV{WORKDIR} or die "WORKDIR not set\n";
my $RESULTS = $ENV{RESULTS} or die "RESULTS not set\n";
my $GROUP = $ENV{GROUP} || '89-revocation-model';
my $CERTPOLICY = $ENV{CERTPOLICY} or die "CERTPOLICY not set\n";
my $CERTPOLICYD = $ENV{CERTPOLICYD} or die "CERTPOLICYD not set\n";
my $SEED = $ENV{CERTPOLICY_MODEL_SEED} // 1010;
my $NSEQ = $ENV{CERTPOLICY_MODEL_SEQUENCES} // 200;
my $ONLY = $ENV{CERTPOLICY_MODEL_ONLY};
my $NTL = $ENV{CERTPOLICY_MODEL_TIMELINES} // 10;
my $JOBS = $ENV{CERTPOLICY_MODEL_JOBS} // 2;
my $EPOCHS = 8;
my $DAY = 86400;
delete $ENV{CERTPOLICY_NOW};
# the openssl configurations below take their index, cRLNumber file and
# delta base from the environment
$ENV{IDX} = "/dev/null";
$ENV{CRLNUM} = "/dev/null";
$ENV{DELTA_BASE} = 0;


# ---- results ------------------------------------------------------------

sub result {
    my ($line) = @_;
    open(my $fh, '>>', $RESULTS) or die "$RESULTS: $!\n";
    print $fh "$line\n";
    close($fh);
    print "$line\n";
}
sub ok   { result("ok $GROUP: $_[0]") }
sub fail { result("FAIL $GROUP: $_[0]: $_[1]") }

# ---- a seeded generator, the same on every platform ----------------------

sub rng_new { my $s = shift; return { x => ($s * 2654435761 + 12345) % 2147483648 } }
sub rng_int {    # 0 .. n-1
    my ($r, $n) = @_;
    $r->{x} = ($r->{x} * 1103515245 + 12345) % 2147483648;
    return int(($r->{x} >> 4) * $n / 134217728);
}
sub rng_pick { my ($r, @a) = @_; return $a[rng_int($r, scalar @a)] }
sub rng_weighted {    # pairs: value, weight
    my ($r, @pairs) = @_;
    my $total = 0;
    for (my $i = 1; $i < @pairs; $i += 2) { $total += $pairs[$i] }
    my $x = rng_int($r, $total);
    for (my $i = 0; $i < @pairs; $i += 2) {
        return $pairs[$i] if $x < $pairs[ $i + 1 ];
        $x -= $pairs[ $i + 1 ];
    }
    die "rng_weighted";
}

# ---- running the openssl CLI ---------------------------------------------

sub run {
    my (@cmd) = @_;
    my $pid = fork() // die "fork: $!\n";
    if ($pid == 0) {
        open(STDOUT, '>>', "$W/openssl.log");
        open(STDERR, '>&', \*STDOUT);
        exec(@cmd) or exit(127);
    }
    waitpid($pid, 0);
    die "failed ($?): @cmd (see $W/openssl.log)\n" if $?;
}

# capture - the output (stdout and stderr) of a command, run without a
# shell, its input from a file; $? is its status
sub capture {
    my ($in, @cmd) = @_;
    my $pid = open(my $fh, '-|') // die "fork: $!\n";
    if ($pid == 0) {
        open(STDIN, '<', $in // '/dev/null');
        open(STDERR, '>&', \*STDOUT);
        exec(@cmd) or POSIX::_exit(127);
    }
    local $/;
    my $out = <$fh> // '';
    close($fh);
    return $out;
}

sub stamp { strftime('%Y%m%d%H%M%SZ', gmtime($_[0])) }
sub ustamp { strftime('%y%m%d%H%M%SZ', gmtime($_[0])) }

sub slurp { my $f = shift; open(my $fh, '<', $f) or die "$f: $!\n"; local $/; my $d = <$fh>; return $d }
sub spew {
    my ($f, $d) = @_;
    open(my $fh, '>', "$f.tmp") or die "$f.tmp: $!\n";
    print $fh $d;
    close($fh) or die "$f: $!\n";
    rename("$f.tmp", $f) or die "$f: $!\n";
}

# ---- HTTP: files of a directory, read at each request (http_dir.pl) ----

my $SRV_ROOT = "$W/srv";    # one directory per worker: w0, w1...
my $SRV = "$SRV_ROOT/w0";
my ($HTTP_PID, $HTTP_FH, $PORT);    # the handle stays open while it serves

sub http_start {
    make_path("$SRV_ROOT/w$_") for 0 .. $JOBS - 1;
    $HTTP_PID = open($HTTP_FH, '-|', $^X, "$FindBin::Bin/http_dir.pl", $SRV_ROOT) // die "http_dir.pl: $!\n";
    $PORT = <$HTTP_FH>;    # once it listens
    die "http_dir.pl did not start\n" unless defined $PORT && $PORT =~ /^(\d+)$/;
    $PORT = $1;
}

my $MAIN_PID = $$;
END { kill('TERM', $HTTP_PID) if $HTTP_PID && $$ == $MAIN_PID }
$SIG{INT} = $SIG{TERM} = sub { exit(1) };    # so that END stops the server

# ---- the PKI ----------------------------------------------------------------

# The CA keys and the root are made once; each worker has its own copy of
# the intermediates and clients, with the same keys and serial numbers, so
# that the pool serves them all, but with distribution points and
# responders under its own /wN/ on the HTTP server.
my $PKI = "$W/pki";
my $WORKER = 0;
my %CERTW;   # worker -> name -> { serial, exp, subj, fp, pem }
my %CERT;    # this worker's
sub pw { return "$PKI/w" . ($_[0] // $WORKER) }
sub ca_pem { my ($ca, $w) = @_; return $ca eq 'root' ? "$PKI/root.pem" : pw($w) . "/$ca.pem" }

sub ca_conf {
    my ($ca, $w) = @_;
    my $ext = $ca;
    my $url = "http://127.0.0.1:$PORT/w$w";
    my $pw = pw($w);
    my $cert = ca_pem($ca, $w);
    return <<CNF;
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $pw
certificate = $cert
private_key = $PKI/$ca.key
database = \$ENV::IDX
crlnumber = \$ENV::CRLNUM
new_certs_dir = $pw/newcerts
serial = $pw/$ca.serial
default_md = sha256
default_crl_days = 1
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
[ req ]
distinguished_name = dn
[ dn ]
[ root_ext ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ inter_ext ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
crlDistributionPoints = URI:$url/root.crl
authorityInfoAccess = OCSP;URI:$url/ocsp-root
[ client_ext ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid:always
crlDistributionPoints = URI:$url/$ext.crl
authorityInfoAccess = OCSP;URI:$url/ocsp-$ext
[ delta_ext ]
authorityKeyIdentifier = keyid:always
deltaCRL = critical,ASN1:INTEGER:\$ENV::DELTA_BASE
[ full_ext ]
authorityKeyIdentifier = keyid:always
freshestCRL = URI:$url/$ca-delta.crl
[ arl_ext ]
authorityKeyIdentifier = keyid:always
issuingDistributionPoint = critical,\@arl_idp
[ arl_idp ]
fullname = URI:$url/$ca-arl.crl
onlyCA = TRUE
[ user_ext ]
authorityKeyIdentifier = keyid:always
issuingDistributionPoint = critical,\@user_idp
[ user_idp ]
fullname = URI:$url/$ca-user.crl
onlyuser = TRUE
CNF
}

sub pem_fp {
    my ($pem) = @_;
    my ($b64) = $pem =~ /-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----/s;
    my $hex = uc sha256_hex(decode_base64($b64));
    return join(':', $hex =~ /(..)/g);
}

# issue - a certificate for name (its key made once, then reused) by ca,
# in worker w's copy of the PKI
sub issue {
    my ($ca, $name, $cn, $ext, $w) = @_;
    my $pw = pw($w);
    my @before = split(/\n/, slurp("$pw/$ca.issued"));
    local $ENV{IDX} = "$pw/$ca.issued";
    local $ENV{CRLNUM} = "$pw/$ca.unused-crlnumber";
    my @key = -f "$PKI/$name.key" ? ('-key', "$PKI/$name.key")
        : ('-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', "$PKI/$name.key");
    run('openssl', 'req', '-new', @key, '-subj', "/CN=$cn", '-out', "$pw/$name.csr", '-config', "$pw/$ca.cnf");
    run('openssl', 'ca', '-batch', '-config', "$pw/$ca.cnf", '-in', "$pw/$name.csr", '-out', "$pw/$name.pem",
        '-notext', '-startdate', stamp(time() - $DAY), '-enddate', stamp(time() + 365 * $DAY),
        '-extensions', $ext);
    my @f = split(/\t/, (split(/\n/, slurp("$pw/$ca.issued")))[ scalar @before ]);
    $CERTW{$w}{$name} = { exp => $f[1], serial => $f[3], subj => $f[5], fp => pem_fp(slurp("$pw/$name.pem")),
                          pem => "$pw/$name.pem" };
}

sub pki_make {
    remove_tree($PKI);
    make_path($PKI);
    for my $w (0 .. $JOBS - 1) {
        my $pw = pw($w);
        make_path("$pw/newcerts");
        for my $ca (qw(root ca1 ca2)) {
            spew("$pw/$ca.cnf", ca_conf($ca, $w));
            spew("$pw/$ca.issued", '');
            spew("$pw/$ca.serial", "1000\n");
        }
        if ($w == 0) {
            run('openssl', 'req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
                '-keyout', "$PKI/root.key", '-out', "$PKI/root.pem", '-subj', '/CN=Model Root', '-days', '3650',
                '-config', "$pw/root.cnf", '-extensions', 'root_ext');
        }
        issue('root', 'ca1', 'Model CA', 'inter_ext', $w);
        # The rollover: the same name, a new key; the root's index lists both.
        issue('root', 'ca2', 'Model CA', 'inter_ext', $w);
        issue('ca1', $_, $_, 'client_ext', $w) for qw(a1 a2 a3);
        issue('ca2', $_, $_, 'client_ext', $w) for qw(b1 b2);
        spew("$pw/cas-before.pem", slurp("$PKI/root.pem") . slurp("$pw/ca1.pem"));
        spew("$pw/cas-after.pem", slurp("$PKI/root.pem") . slurp("$pw/ca1.pem") . slurp("$pw/ca2.pem"));
        for my $name (keys %{ $CERTW{0} }) {    # what the pool relies on is the same
            die "worker $w: $name has another serial\n" if $CERTW{$w}{$name}{serial} ne $CERTW{0}{$name}{serial};
        }
    }
    %CERT = %{ $CERTW{0} };
    # OCSP requests (no nonce: the responses are made once and served many times)
    for my $ca (qw(root ca1 ca2)) {
        my @subjects = grep { $CA_OF{$_} eq $ca } (@CLIENTS, 'ca1', 'ca2');
        run('openssl', 'ocsp', '-issuer', ca_pem($ca, 0), (map { ('-cert', $CERT{$_}{pem}) } @subjects),
            '-no_nonce', '-reqout', "$PKI/$ca.req");
    }
}

# ---- timelines: what each CA says at each epoch ---------------------------

# truth: name -> { st => good|revoked|hold, at => time of the event (epoch number until made) }
sub timeline_make {
    my ($n) = @_;
    my $r = rng_new($SEED * 7919 + $n);
    my %t = map { $_ => { st => 'good', ep => 0 } } (@CLIENTS, 'ca1', 'ca2');
    my @epochs = ({ truth => { map { $_ => { %{ $t{$_} } } } keys %t }, event => 'start' });
    if (rng_int($r, 3) == 0) {
        my $c = rng_pick($r, @CLIENTS);
        $epochs[0]{truth}{$c} = { st => 'revoked', ep => 0 };
        $epochs[0]{event} = "start, $c revoked";
    }
    for my $e (1 .. $EPOCHS - 1) {
        my %prev = %{ $epochs[-1]{truth} };
        my %cur = map { $_ => { %{ $prev{$_} } } } keys %prev;
        my @good = grep { $cur{$_}{st} eq 'good' } @CLIENTS;
        my @held = grep { $cur{$_}{st} eq 'hold' } @CLIENTS;
        my @gooda = grep { $cur{$_}{st} eq 'good' } qw(ca1 ca2);
        my $ev = rng_weighted($r, revoke => @good ? 3 : 0, hold => @good ? 3 : 0,
                              release => @held ? 5 : 0, reissue => 2, root => @gooda ? 1 : 0,
                              holdrevoke => @held ? 1 : 0);
        my $what;
        if ($ev eq 'revoke') {
            my $c = rng_pick($r, @good);
            $cur{$c} = { st => 'revoked', ep => $e };
            $what = "revoke $c";
        } elsif ($ev eq 'hold') {
            my $c = rng_pick($r, @good);
            $cur{$c} = { st => 'hold', ep => $e };
            $what = "hold $c";
        } elsif ($ev eq 'release') {
            my $c = rng_pick($r, @held);
            $cur{$c} = { st => 'good', ep => $e, released => 1 };
            $what = "release the hold of $c";
        } elsif ($ev eq 'holdrevoke') {
            my $c = rng_pick($r, @held);
            $cur{$c} = { st => 'revoked', ep => $e };
            $what = "revoke $c (was on hold)";
        } elsif ($ev eq 'root') {
            my $c = rng_pick($r, @gooda);
            $cur{$c} = { st => 'revoked', ep => $e };
            $what = "the root revokes $c";
        } else {
            $what = 'reissue';
        }
        push(@epochs, { truth => \%cur, event => $what });
    }
    return { n => $n, epochs => \@epochs };
}

# index_line - one line of an openssl ca index for name in truth t
sub index_line {
    my ($name, $st, $when) = @_;
    my $c = $CERT{$name};
    return "V\t$c->{exp}\t\t$c->{serial}\tunknown\t$c->{subj}\n" if $st eq 'good';
    my $rev = ustamp($when) . ($st eq 'hold' ? ',holdInstruction,holdInstructionReject'
                              : $st eq 'remove' ? ',removeFromCRL'
                              : $name =~ /^ca/ ? ',CACompromise' : ',keyCompromise');
    return "R\t$c->{exp}\t$rev\t$c->{serial}\tunknown\t$c->{subj}\n";
}

# ---- the pool ---------------------------------------------------------------

# An artefact: { file, kind (full delta arl user expired ocsp unknown),
# key (the signing CA), ep (the epoch whose state it tells, -1 none),
# tu, nu (thisUpdate, nextUpdate), num (cRLNumber) }
my @TL;          # timelines
my %POOL;        # "tl/ca/kind/ep" -> artefact

sub crl_gen {
    my ($tl, $ca, $kind, $ep, $idx, $tu, $nu, $ext, $base) = @_;
    my $dir = "$W/pool/$tl->{n}";
    my $file = "$dir/$ca-$kind-$ep.pem";
    spew("$dir/idx", $idx);
    my $num = hex(slurp("$dir/$ca.crlnumber") =~ s/\s+//gr);
    local $ENV{IDX} = "$dir/idx";
    local $ENV{CRLNUM} = "$dir/$ca.crlnumber";
    local $ENV{DELTA_BASE} = $base // 0;
    run('openssl', 'ca', '-config', pw(0) . "/$ca.cnf", '-gencrl', '-crlexts', $ext, '-out', $file,
        '-crl_lastupdate', stamp($tu), '-crl_nextupdate', stamp($nu));
    my ($b64) = slurp($file) =~ /-----BEGIN X509 CRL-----(.*?)-----END X509 CRL-----/s;
    spew("$dir/$ca-$kind-$ep.der", decode_base64($b64));
    return $POOL{"$tl->{n}/$ca/$kind/$ep"} = { file => $file, der => "$dir/$ca-$kind-$ep.der", kind => $kind,
                                               key => $ca, ep => $ep, tu => $tu, nu => $nu, num => $num };
}

sub ocsp_gen {
    my ($tl, $ca, $kind, $ep, $idx) = @_;
    my $dir = "$W/pool/$tl->{n}";
    my $file = "$dir/$ca-$kind-$ep.ocsp";
    spew("$dir/idx.attr", "unique_subject = no\n");    # two CAs of one name
    spew("$dir/idx", $idx);
    my $before = time();
    run('openssl', 'ocsp', '-index', "$dir/idx", '-rsigner', ca_pem($ca, 0), '-rkey', "$PKI/$ca.key",
        '-CA', ca_pem($ca, 0), '-reqin', "$PKI/$ca.req", '-respout', $file, '-ndays', '1');
    my $tu = $before;
    if (time() != $before) {    # the second turned: read the thisUpdate it got
        open(my $fh, '-|', 'openssl', 'ocsp', '-respin', $file, '-resp_text', '-noverify') or die;
        my ($line) = grep { /This Update:/ } <$fh>;
        close($fh);
        my ($mon, $day, $h, $m, $sec, $year) = $line =~ /This Update:\s*(\w+)\s+(\d+) (\d+):(\d+):(\d+) (\d+)/;
        my %mi = (Jan => 0, Feb => 1, Mar => 2, Apr => 3, May => 4, Jun => 5, Jul => 6, Aug => 7, Sep => 8,
                  Oct => 9, Nov => 10, Dec => 11);
        $tu = Time::Local::timegm($sec, $m, $h, $day, $mi{$mon}, $year);
    }
    return $POOL{"$tl->{n}/$ca/$kind/$ep"} = { file => $file, kind => $kind, key => $ca, ep => $ep,
                                               tu => $tu, nu => $tu + $DAY };
}

sub subjects_of { my $ca = shift; return grep { $CA_OF{$_} eq $ca } (@CLIENTS, 'ca1', 'ca2') }

sub full_index {
    my ($tl, $ca, $ep) = @_;
    my $truth = $tl->{epochs}[$ep]{truth};
    return join('', map { index_line($_, $truth->{$_}{st}, $tl->{times}[ $truth->{$_}{ep} ]) } subjects_of($ca));
}

sub delta_index {
    my ($tl, $ca, $ep) = @_;
    my ($old, $new) = ($tl->{epochs}[ $ep - 1 ]{truth}, $tl->{epochs}[$ep]{truth});
    my $idx = '';
    for my $s (subjects_of($ca)) {
        next if $old->{$s}{st} eq $new->{$s}{st};
        my $st = $new->{$s}{st} eq 'good' ? 'remove' : $new->{$s}{st};
        $idx .= index_line($s, $st, $tl->{times}[$ep]);
    }
    return $idx;
}

# pool_epoch - one epoch's artefacts of some timelines; returns the newest thisUpdate
sub pool_epoch {
    my ($ep, $now, @tls) = @_;
    my $last = $now;
    for my $tl (@tls) {
        if ($ep == 0) {
            # an expired CRL (nextUpdate passed), and "unknown" answers
            crl_gen($tl, 'ca1', 'expired', 0, full_index($tl, 'ca1', 0), $now - 2 * $DAY, $now - $DAY, 'full_ext');
            crl_gen($tl, 'root', 'expired', 0, full_index($tl, 'root', 0), $now - 2 * $DAY, $now - $DAY, 'full_ext');
            for my $ca (qw(root ca1 ca2)) {
                my $a = ocsp_gen($tl, $ca, 'unknown', 0, '');
                $last = $a->{tu} if $a->{tu} > $last;
            }
        }
        # Per CA and epoch, the complete CRL gets the highest cRLNumber.
        # Out-of-scope CRLs (an ARL of ca1, a user-only CRL of the root) at
        # two epochs; a step serves the newest one made by then.
        crl_gen($tl, 'ca1', 'arl', $ep, '', $now, $now + $DAY, 'arl_ext') if $ep % 4 == 0;
        crl_gen($tl, 'ca1', 'delta', $ep, delta_index($tl, 'ca1', $ep), $now, $now + $DAY, 'delta_ext',
                $POOL{"$tl->{n}/ca1/full/" . ($ep - 1)}{num}) if $ep > 0;
        crl_gen($tl, 'ca1', 'full', $ep, full_index($tl, 'ca1', $ep), $now, $now + $DAY, 'full_ext');
        crl_gen($tl, 'ca2', 'full', $ep, full_index($tl, 'ca2', $ep), $now, $now + $DAY, 'full_ext');
        crl_gen($tl, 'root', 'user', $ep, '', $now, $now + $DAY, 'user_ext') if $ep % 4 == 0;
        crl_gen($tl, 'root', 'full', $ep, full_index($tl, 'root', $ep), $now, $now + $DAY, 'full_ext');
        for my $ca (qw(root ca1 ca2)) {
            my $a = ocsp_gen($tl, $ca, 'ocsp', $ep, full_index($tl, $ca, $ep));
            $last = $a->{tu} if $a->{tu} > $last;
        }
    }
    return $last;
}

# pool_make - every epoch of every timeline, by two processes (a pool entry
# travels back as one line of key=value fields)
my @FIELDS = qw(file der kind key ep tu nu num);
sub pool_make {
    my $t0 = time();
    for my $tl (@TL) {
        make_path("$W/pool/$tl->{n}");
        spew("$W/pool/$tl->{n}/$_.crlnumber", "1000\n") for qw(root ca1 ca2);
    }
    for my $ep (0 .. $EPOCHS - 1) {
        my $now = time();
        $_->{times}[$ep] = $now for @TL;
        my @pids;
        for my $w (0, 1) {
            my $pid = fork() // die "fork: $!\n";
            if ($pid == 0) {
                my %before = %POOL;
                my $last = pool_epoch($ep, $now, grep { $_->{n} % 2 == $w } @TL);
                my $out = "last\t$last\n";
                for my $k (grep { !$before{$_} } keys %POOL) {
                    $out .= join("\t", $k, map { $POOL{$k}{$_} // '' } @FIELDS) . "\n";
                }
                spew("$W/pool/meta.$w", $out);
                POSIX::_exit(0);
            }
            push(@pids, $pid);
        }
        my $last = $now;
        for my $w (0, 1) {
            waitpid($pids[$w], 0);
            die "making the pool failed (see $W/openssl.log)\n" if $?;
            for my $line (split(/\n/, slurp("$W/pool/meta.$w"))) {
                my ($k, @v) = split(/\t/, $line, -1);
                if ($k eq 'last') {
                    $last = $v[0] if $v[0] > $last;
                    next;
                }
                my %a;
                @a{@FIELDS} = @v;
                $POOL{$k} = \%a;
            }
        }
        # Each epoch's answers are strictly newer than the last one's:
        # wait for the clock to pass the newest thisUpdate made so far.
        select(undef, undef, undef, 0.05) while time() <= $last;
    }
    return time() - $t0;
}

# pool_check - the model's reading of the pool against openssl's own, for
# one timeline: "openssl verify -crl_check_all" with the complete CRLs of an
# epoch, "-use_deltas" with a base and a delta, "openssl ocsp -respin" with
# the responses; returns the disagreements
my $CHECKS = 0;
sub pool_check {
    my ($tl) = @_;
    my @bad;
    my $n = $tl->{n};
    my $cas = pw(0) . "/cas-after.pem";
    $CHECKS = 0;
    for my $ep (0 .. $EPOCHS - 1) {
        my $truth = $tl->{epochs}[$ep]{truth};
        for my $x (@CLIENTS) {
            my $ca = $CA_OF{$x};
            my $good = $truth->{$x}{st} eq 'good';
            my $chain = $good && $truth->{$ca}{st} eq 'good';
            my $v = system_quiet('openssl', 'verify', '-crl_check_all', '-CAfile', $cas,
                                 '-CRLfile', $POOL{"$n/$ca/full/$ep"}{file}, '-CRLfile', $POOL{"$n/root/full/$ep"}{file},
                                 $CERT{$x}{pem});
            push(@bad, "e$ep $x: verify -crl_check_all says " . ($v ? 'not valid' : 'valid')) if ($v == 0) != $chain;
            $CHECKS++;
            if ($ep > 0 && $POOL{"$n/$ca/delta/$ep"}) {
                $v = system_quiet('openssl', 'verify', '-extended_crl', '-crl_check', '-use_deltas', '-CAfile', $cas,
                                  '-CRLfile', $POOL{"$n/$ca/full/" . ($ep - 1)}{file},
                                  '-CRLfile', $POOL{"$n/$ca/delta/$ep"}{file}, $CERT{$x}{pem});
                push(@bad, "e$ep $x: base and delta say " . ($v ? 'revoked' : 'good')) if ($v == 0) != $good;
                $CHECKS++;
            }
            my $pid = open(my $fh, '-|') // die "fork: $!\n";
            if ($pid == 0) {
                open(STDERR, '>', '/dev/null');
                exec('openssl', 'ocsp', '-respin', $POOL{"$n/$ca/ocsp/$ep"}{file}, '-issuer', ca_pem($ca, 0),
                     '-cert', $CERT{$x}{pem}, '-CAfile', $cas, '-no_nonce') or POSIX::_exit(127);
            }
            my ($st) = map { /: (good|revoked|unknown)$/ ? $1 : () } <$fh>;
            close($fh);
            my $want = $truth->{$x}{st} eq 'good' ? 'good' : 'revoked';
            push(@bad, "e$ep $x: OCSP says " . ($st // 'nothing') . ", the model $want") if ($st // '') ne $want;
            $CHECKS++;
        }
    }
    return @bad;
}

sub system_quiet {
    my $pid = fork() // die "fork: $!\n";
    if ($pid == 0) {
        open(STDOUT, '>', '/dev/null');
        open(STDERR, '>', '/dev/null');
        exec(@_) or exit(127);
    }
    waitpid($pid, 0);
    return $?;
}

# ---- one sequence ------------------------------------------------------------

my $S = "$W/seq";
my %TIME = (refresh => 0, answers => 0, model => 0, other => 0);
my %VIOL = (safety => 0, liveness => 0);

sub conf_write {
    my ($seq) = @_;
    my $cas = $seq->{rolled} ? 'cas-after' : 'cas-before';
    my $src = $seq->{crlmode} eq 'files' ? join(', ', map { "$SRV/$_.crl" } qw(ca1 ca2 root)) : '';
    my $conf = "database = $S/db.cdb\nstatus_database = $S/status.cdb\n"
        . "client_ca_file = " . pw() . "/$cas.pem\nrevocation_check = $seq->{mode}\n"
        . "revocation_failure = $seq->{failure}\ncrl_source = $src\nocsp_nonce = no\n"
        . "fetch_timeout = 2s\nclock_skew = ${SKEW}s\n";
    $conf .= "client $_ cert=$CERT{$_}{pem}\n" for @{ $seq->{enrolled} };
    spew("$S/c.conf", $conf);
    my $out = capture(undef, $CERTPOLICY, '-c', "$S/c.conf", 'compile', '--no-postmap');
    die "compile failed: $out\n" if $?;
}

my %CRL_VARIANTS = (
    ca1  => [ cur => 30, old => 14, none => 12, delta => 8, bundle => 10, arl => 8, wrongkey => 8, expired => 6 ],
    ca2  => [ cur => 40, old => 15, none => 15, wrongkey => 15 ],
    root => [ cur => 40, old => 18, none => 18, user => 14, expired => 6 ],
);
my %OCSP_VARIANTS = (
    ca1  => [ cur => 40, old => 20, none => 18, unknown => 10, wrongkey => 10 ],
    ca2  => [ cur => 40, old => 20, none => 18, unknown => 10, wrongkey => 10 ],
    root => [ cur => 45, old => 20, none => 20, unknown => 10 ],
);
my %OTHER = (ca1 => 'ca2', ca2 => 'ca1');

# serve - choose and put in place what one source serves this step
sub serve {
    my ($seq, $r, $slot, $ca) = @_;
    my ($tl, $ep) = ($seq->{tl}, $seq->{ep});
    my $n = $tl->{n};
    my $isocsp = $slot =~ /^ocsp/;
    my $v = rng_weighted($r, @{ $isocsp ? $OCSP_VARIANTS{$ca} : $CRL_VARIANTS{$ca} });
    $v = 'cur' if $v eq 'old' && $ep == 0;
    $v = 'cur' if ($v eq 'bundle' || $v eq 'delta') && $ep == 0;
    $v = 'delta' if $v eq 'bundle' && $seq->{crlmode} ne 'files';    # over HTTP: one CRL
    my ($desc, @parts);
    if ($v eq 'none') {
        $desc = 'down';
    } elsif ($isocsp) {
        my $e = $v eq 'old' ? rng_int($r, $ep) : $ep;
        my $key = $v eq 'wrongkey' ? $OTHER{$ca} : $ca;
        my $kind = $v eq 'unknown' ? 'unknown' : 'ocsp';
        $e = 0 if $kind eq 'unknown';
        @parts = ($POOL{"$n/$key/$kind/$e"});
        $desc = $v eq 'cur' ? "current (e$e)" : $v eq 'old' ? "replay of e$e" : $v eq 'unknown' ? "unknown (e0)"
            : "$key\'s answer (e$e)";
    } else {
        my $e = $v eq 'old' ? rng_int($r, $ep) : $ep;
        if ($v eq 'cur' || $v eq 'old') {
            @parts = ($POOL{"$n/$ca/full/$e"});
            $desc = $v eq 'cur' ? "current (e$e)" : "old (e$e)";
        } elsif ($v eq 'delta') {
            @parts = ($POOL{"$n/$ca/delta/$e"});
            $desc = "delta alone (e$e)";
        } elsif ($v eq 'bundle') {
            @parts = ($POOL{"$n/$ca/full/" . ($e - 1)}, $POOL{"$n/$ca/delta/$e"});
            $desc = "base e" . ($e - 1) . " + delta e$e";
        } elsif ($v eq 'arl') {
            $e -= $e % 4;
            @parts = ($POOL{"$n/$ca/arl/$e"});
            $desc = "ARL onlyContainsCACerts (e$e)";
        } elsif ($v eq 'user') {
            $e -= $e % 4;
            @parts = ($POOL{"$n/$ca/user/$e"});
            $desc = "onlyContainsUserCerts CRL (e$e)";
        } elsif ($v eq 'wrongkey') {
            @parts = ($POOL{"$n/$OTHER{$ca}/full/$e"});
            $desc = "$OTHER{$ca}\'s CRL, same issuer name (e$e)";
        } elsif ($v eq 'expired') {
            @parts = ($POOL{"$n/$ca/expired/0"});
            $desc = 'expired (e0)';
        }
    }
    my $file = $isocsp ? "$SRV/ocsp-$ca" : "$SRV/$ca.crl";
    if (!@parts) {
        unlink($file);
    } elsif ($isocsp) {
        spew($file, slurp($parts[0]{file}));
    } elsif (@parts == 1 && $seq->{crlmode} ne 'files') {
        spew($file, slurp($parts[0]{der}));
    } else {
        spew($file, join('', map { slurp($_->{file}) } @parts));
    }
    $seq->{served}{$slot} = { kind => @parts ? $v : 'none', parts => \@parts };
    return "$slot=$desc";
}

# answers - certpolicyd's action for each enrolled certificate
sub answers {
    my ($seq) = @_;
    my $req = join('', map { "client_address=192.0.2.1\nccert_fingerprint=$CERT{$_}{fp}\n\n" } @{ $seq->{enrolled} });
    spew("$S/req", $req);
    my @out = grep { /^action=/ } split(/\n/, capture("$S/req", $CERTPOLICYD, '-d', "$S/db.cdb", '-L', "$S/d.log"));
    my %a;
    @a{ @{ $seq->{enrolled} } } = @out;
    return \%a;
}

sub sequence_run {
    my ($i) = @_;
    my $sseed = $SEED * 100000 + $i;
    my $r = rng_new($sseed);
    my $tl = $TL[ rng_int($r, scalar @TL) ];
    my %seq = (tl => $tl, mode => rng_pick($r, 'crl', 'ocsp', 'ocsp, crl', 'ocsp, crl'),
               failure => rng_pick($r, 'defer', 'permit'), crlmode => rng_pick($r, 'files', 'http'),
               ep => rng_int($r, 3), rec => {}, seen => {});
    my $nsteps = 6 + rng_int($r, 5);
    my $rollover = rng_int($r, 3) == 0 ? 0 : 1 + rng_int($r, $nsteps);    # may never happen
    my @log = ("seed $SEED, sequence $i: timeline $tl->{n}, revocation_check = $seq{mode}, "
               . "revocation_failure = $seq{failure}, CRLs " . ($seq{crlmode} eq 'files' ? 'from crl_source files' : 'from the distribution points over HTTP')
               . "; CA history: " . join('; ', map { "e$_ $tl->{epochs}[$_]{event}" } 0 .. $EPOCHS - 1));
    my ($first, $nviol) = ('', 0);
    remove_tree($S);
    make_path($S);
    $seq{rolled} = $rollover == 0;
    $seq{enrolled} = [ $seq{rolled} ? @CLIENTS : qw(a1 a2 a3) ];
    $seq{inters} = [ $seq{rolled} ? qw(ca1 ca2) : qw(ca1) ];
    conf_write(\%seq);
    for my $k (0 .. $nsteps - 1) {
        my @what;
        if ($k > 0) {
            my $adv = rng_weighted($r, 0 => 3, 1 => 5, 2 => 2);
            for (1 .. $adv) {
                last if $seq{ep} >= $EPOCHS - 1;
                $seq{ep}++;
                push(@what, "CA: $tl->{epochs}[ $seq{ep} ]{event} (e$seq{ep})");
            }
        } else {
            push(@what, "CA at e$seq{ep}");
        }
        if ($k == $rollover && $k > 0) {
            $seq{rolled} = 1;
            $seq{enrolled} = [@CLIENTS];
            $seq{inters} = [qw(ca1 ca2)];
            conf_write(\%seq);
            push(@what, 'key rollover: ca2 (same name "Model CA", new key) added to client_ca_file, b1 b2 enrolled');
        }
        for my $ca (qw(ca1 ca2 root)) {
            push(@what, serve(\%seq, $r, "crl-$ca", $ca));
        }
        for my $ca (qw(ca1 ca2 root)) {
            push(@what, serve(\%seq, $r, "ocsp-$ca", $ca));
        }
        my $t1 = Time::HiRes::time();
        my $out = capture(undef, $CERTPOLICY, '-c', "$S/c.conf", 'refresh');
        $TIME{refresh} += Time::HiRes::time() - $t1;
        $t1 = Time::HiRes::time();
        my $now = time();
        model_refresh(\%seq, $now);
        $TIME{model} += Time::HiRes::time() - $t1;
        $t1 = Time::HiRes::time();
        my $ans = answers(\%seq);
        $TIME{answers} += Time::HiRes::time() - $t1;
        my @got = map { "$_=" . (($ans->{$_} // '(no answer)') =~ s/^action=//r =~ s/ .*//r) } @{ $seq{enrolled} };
        for my $name (@{ $seq{enrolled} }) {
            my $a = $ans->{$name} // '(no answer)';
            my $e = expect(\%seq, $name, $now);
            my $why;
            if ($e eq 'notok' && $a eq 'action=OK') {
                $why = "safety: $name answered OK, but refresh must hold it revoked/on hold or its intermediate revoked"
                    . " ($name: " . rec_text(\%seq, $name) . "; $CA_OF{$name}: " . rec_text(\%seq, $CA_OF{$name}) . ')';
            } elsif ($e eq 'ok' && $a ne 'action=OK') {
                $why = "liveness: $name is good at the CA and has a fresh verified good status, answered [$a]"
                    . " ($name: " . rec_text(\%seq, $name) . "; $CA_OF{$name}: " . rec_text(\%seq, $CA_OF{$name}) . ')';
            }
            next unless $why;
            $VIOL{ $why =~ /^(\w+)/ ? $1 : '?' }++;
            $nviol++;
            next if $first;
            my @dlog = grep { /name=$name / } split(/\n/, -f "$S/d.log" ? slurp("$S/d.log") : '');
            my @rlog = grep { /client $name |$CA_OF{$name}/ } split(/\n/, $out);
            $first = join("\n    ", $why, @log, "step $k: " . join(' | ', @what), "  answers: @got",
                          "this step's verified answers: $name: " . seen_text(\%seq, $name)
                          . "; $CA_OF{$name}: " . seen_text(\%seq, $CA_OF{$name}),
                          'refresh said: ' . join("\n      ", grep { defined } (@rlog[0 .. ($#rlog < 5 ? $#rlog : 5)], (split(/\n/, $out))[-1])),
                          'certpolicyd logged: ' . ($dlog[-1] // 'nothing'),
                          "certpolicy query --cert $name.pem: "
                          . join('; ', grep { /revocation|status|outcome|action/i }
                                 split(/\n/, capture(undef, $CERTPOLICY, '-c', "$S/c.conf", 'query', '--cert', $CERT{$name}{pem}))),
                          "rerun: CERTPOLICY_MODEL_SEED=$SEED CERTPOLICY_MODEL_ONLY=$i TESTS=$GROUP sh tests/run");
        }
        push(@log, "step $k: " . join(' | ', @what), "  answers: @got");
    }
    return (0, "$first\n    ($nviol violations, as certificate and step, in the $nsteps steps of this sequence; the first is shown)", $nsteps)
        if $first;
    return (1, "$seq{mode}, $seq{failure}, $seq{crlmode}, timeline $tl->{n}", $nsteps);
}

# ---- main ------------------------------------------------------------------

http_start();
my $t0 = time();
pki_make();
@TL = map { timeline_make($_) } 0 .. $NTL - 1;
my $pooltime = pool_make();
my $t_check = time();
my $nart = scalar keys %POOL;
my @disagree = pool_check($TL[0]);
if (@disagree) {
    fail("the pool as openssl reads it", join("\n    ", @disagree));
} else {
    ok("the pool as openssl reads it: timeline 0's CRLs, deltas and OCSP responses tell what the model says ($CHECKS checks)");
}
print "pool: $NTL timelines of $EPOCHS epochs, $nart CRLs and OCSP responses made in ${pooltime}s, "
    . "checked against openssl in " . (time() - $t_check) . "s\n";
# The sequences, by $JOBS processes (each its own PKI copy, served files
# and state directory); each sequence's result is a file, reported in order.
my @which = defined $ONLY ? ($ONLY) : (0 .. $NSEQ - 1);
my $jobs = @which < $JOBS ? scalar @which : $JOBS;
remove_tree("$W/out");
make_path("$W/out");
my @pids;
for my $w (0 .. $jobs - 1) {
    my $pid = fork() // die "fork: $!\n";
    if ($pid == 0) {
        ($WORKER, $SRV, $S) = ($w, "$SRV_ROOT/w$w", "$W/seq$w");
        %CERT = %{ $CERTW{$w} };
        my $steps = 0;
        for my $k (grep { $_ % $jobs == $w } 0 .. $#which) {
            my $i = $which[$k];
            my ($good, $text, $n) = eval { sequence_run($i) };
            ($good, $text, $n) = (0, "the driver failed: $@", 0) unless defined $good;
            $steps += $n;
            spew("$W/out/$i", ($good ? 'ok' : 'fail') . "\t$n\t$text");
        }
        spew("$W/out/stats.$w", join("\t", $steps, $VIOL{safety}, $VIOL{liveness},
                                     $TIME{refresh}, $TIME{answers}, $TIME{model}));
        POSIX::_exit(0);
    }
    push(@pids, $pid);
}
waitpid($_, 0) for @pids;
my ($pass, $failed, $steps) = (0, 0, 0);
for my $i (@which) {
    my ($res, $n, $text) = -f "$W/out/$i" ? split(/\t/, slurp("$W/out/$i"), 3) : ('fail', 0, 'no result (its process ended early)');
    if ($res eq 'ok') {
        ok("sequence $i ($n steps: $text)");
        $pass++;
    } else {
        fail("sequence $i (seed $SEED)", $text);
        $failed++;
    }
}
for my $w (0 .. $jobs - 1) {
    next unless -f "$W/out/stats.$w";
    my @st = split(/\t/, slurp("$W/out/stats.$w"));
    $steps += $st[0];
    $VIOL{safety} += $st[1];
    $VIOL{liveness} += $st[2];
    $TIME{refresh} += $st[3];
    $TIME{answers} += $st[4];
    $TIME{model} += $st[5];
}
printf "%d sequences, %d steps (refresh and certpolicyd each), %d passed, %d failed, %ds in all, by %d processes\n",
    scalar @which, $steps, $pass, $failed, time() - $t0, $jobs;
printf "violations: %d of safety, %d of liveness\n", $VIOL{safety}, $VIOL{liveness};
printf "time in refresh %.1fs, in certpolicyd %.1fs, in the model %.1fs\n", $TIME{refresh}, $TIME{answers}, $TIME{model};
exit 0;
