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
# This file runs the sequences; RevocationPool.pm makes the PKI, the
# histories and the pool; RevocationRules.pm is the contract as the model
# reads it; http_dir.pl serves the sources; ModelUtil.pm has the helpers.
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
use POSIX ();
use Time::HiRes ();
use FindBin ();
use lib $FindBin::Bin;
use ModelUtil;
use RevocationRules;
use RevocationPool;
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
delete $ENV{CERTPOLICY_NOW};    # the programs under test read the real clock

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

# ---- one sequence ------------------------------------------------------------

my $S = "$W/seq";
my %TIME = (refresh => 0, answers => 0, model => 0);
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

$ModelUtil::LOG = "$W/openssl.log";
http_start();
my $t0 = time();
RevocationPool::setup(work => $W, port => $PORT, jobs => $JOBS, seed => $SEED);
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
