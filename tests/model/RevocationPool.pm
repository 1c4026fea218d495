# RevocationPool.pm - the PKI, the CA histories and the pool of CRLs and
# OCSP responses of tests/model/revocation_model.pl
#
# setup() names the work directory, the HTTP port the certificates point
# at, the number of workers (each gets its own copy of the intermediates and
# clients: same keys, same serial numbers, URLs under /wN/) and the seed.
# pki_make() makes the certificates with openssl req and openssl ca;
# timeline_make() a random CA history; pool_make() every CRL (openssl ca
# -gencrl) and OCSP response (openssl ocsp) of every epoch of every history,
# in two processes, each epoch's thisUpdate strictly after the last one's;
# pool_check() reads one history back with openssl verify and openssl ocsp.
# Anything that fails dies with the command (its output in ModelUtil::LOG).
package RevocationPool;
use strict;
use warnings;
use Digest::SHA qw(sha256_hex);
use MIME::Base64 qw(decode_base64);
use POSIX ();
use Time::Local ();
use File::Path qw(make_path remove_tree);
use Exporter 'import';
use ModelUtil;
use RevocationRules;
our @EXPORT = qw(pki_make timeline_make pool_make pool_check pw ca_pem %CERTW %CERT @TL %POOL $WORKER
                 $EPOCHS $CHECKS);

our ($W, $PORT, $JOBS, $SEED);
# The openssl configurations take their index, cRLNumber file and delta
# base from the environment; a command sets those it uses.
$ENV{IDX} = '/dev/null';
$ENV{CRLNUM} = '/dev/null';
$ENV{DELTA_BASE} = 0;
our $EPOCHS = 8;
my $DAY = 86400;

# setup - where, which port, how many workers, which seed
sub setup {
    my (%a) = @_;
    ($W, $PORT, $JOBS, $SEED) = @a{qw(work port jobs seed)};
    $RevocationPool::PKI = "$W/pki";
}

# ---- the PKI ----------------------------------------------------------------

# The CA keys and the root are made once; each worker has its own copy of
# the intermediates and clients, with the same keys and serial numbers, so
# that the pool serves them all, but with distribution points and
# responders under its own /wN/ on the HTTP server.
our $PKI;
our $WORKER = 0;
our %CERTW;   # worker -> name -> { serial, exp, subj, fp, pem }
our %CERT;    # this worker's
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
our @TL;          # timelines
our %POOL;        # "tl/ca/kind/ep" -> artefact

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
our $CHECKS = 0;
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


1;
