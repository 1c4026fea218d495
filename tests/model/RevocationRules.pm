# RevocationRules.pm - the contract as tests/model/revocation_model.pl reads it
#
# What a served CRL or OCSP response tells about a certificate (a verified
# answer or none), and how refresh must fold verified answers into the
# status it holds, by ../shared/DESIGN.md's "What a status may become" and
# "The whole chain". Where the contract leaves a choice open, every reading
# is modelled (@READINGS) and expect() asks only what all of them agree on.
# Pure functions over plain hashes: no files, no processes.
#
# A timeline ($tl) is { epochs => [ { truth => { NAME => { st } } } ] }; a
# served source is { kind, parts => [ artefact ] } with each artefact
# { kind (full delta arl user expired ocsp unknown), key (signing CA), ep,
# tu, nu (thisUpdate, nextUpdate), num (cRLNumber) }; a sequence ($seq)
# holds mode, crlmode, served, enrolled, inters, ep, tl and what the model
# keeps: rec (reading -> name -> status), maxnum, seen.
package RevocationRules;
use strict;
use warnings;
use Exporter 'import';
use POSIX ();
our @EXPORT = qw(@CLIENTS %CA_OF $SKEW @READINGS model_refresh expect rec_text seen_text);

our @CLIENTS = qw(a1 a2 a3 b1 b2);
our %CA_OF = (a1 => 'ca1', a2 => 'ca1', a3 => 'ca1', b1 => 'ca2', b2 => 'ca2', ca1 => 'root', ca2 => 'root');
our $SKEW = 60;    # clock_skew, in the configuration the sequences use

sub iso { return POSIX::strftime('%H:%M:%S', gmtime($_[0])) }

# ---- what an artefact tells about a certificate ----------------------------

# served_crls - copies of the CRLs a served CRL source holds (artefacts)
sub served_crls {
    my ($v) = @_;
    return () if $v->{kind} eq 'none';
    return map { { %$_ } } @{ $v->{parts} };
}

# crl_verdict - the state name has by the CRLs at hand, or undef; with
# $maxnum (key -> cRLNumber), CRLs numbered below it are refused
sub crl_verdict {
    my ($tl, $name, $crls, $now, $maxnum) = @_;
    my $issuer = $CA_OF{$name};
    my $isca = $name =~ /^ca/;
    my @ok;
    for my $c (@$crls) {
        next unless $c->{key} eq $issuer;                  # issuers are keys
        next if $c->{nu} + $SKEW < $now || $c->{tu} > $now + $SKEW;   # fresh
        my $k = $c->{kind};
        next if $k eq 'delta' || $k eq 'expired';          # a delta alone is not complete
        next if $k eq 'arl' && !$isca;                     # onlyContainsCACerts
        next if $k eq 'user' && $isca;                     # onlyContainsUserCerts
        push(@ok, $c);
    }
    # A base with the delta that names it makes a complete CRL.
    for my $d (grep { $_->{key} eq $issuer && $_->{kind} eq 'delta' && $_->{nu} + $SKEW >= $now } @$crls) {
        push(@ok, { %$d, kind => 'full' }) if grep { $_->{key} eq $issuer && $_->{kind} eq 'full'
                                                       && $_->{ep} == $d->{ep} - 1 } @$crls;
    }
    @ok = grep { $_->{num} >= ($maxnum->{$issuer} // 0) } @ok if $maxnum;    # never backwards
    return undef unless @ok;
    my ($best) = sort { $b->{num} <=> $a->{num} || $b->{tu} <=> $a->{tu} } @ok;
    return { src => 'crl', tu => $best->{tu}, nu => $best->{nu}, num => $best->{num}, st => state_in($tl, $best, $name) };
}

sub state_in {
    my ($tl, $a, $name) = @_;
    return 'good' if $a->{kind} eq 'arl' || $a->{kind} eq 'user';    # empty lists
    return $tl->{epochs}[ $a->{ep} ]{truth}{$name}{st};
}

sub ocsp_verdict {
    my ($tl, $name, $v, $now) = @_;
    return undef if $v->{kind} eq 'none';
    my $a = $v->{parts}[0];
    return undef unless $a->{key} eq $CA_OF{$name};
    return undef if $a->{nu} + $SKEW < $now;
    return { src => 'ocsp', tu => $a->{tu}, nu => $a->{nu}, st => 'unknown' } if $a->{kind} eq 'unknown';
    return { src => 'ocsp', tu => $a->{tu}, nu => $a->{nu}, st => state_in($tl, $a, $name) };
}

# ---- the contract: what a status may become --------------------------------

# rec_apply - fold one refresh's verified answers into a record
sub rec_apply {
    my ($rec, @answers) = @_;
    return if $rec->{st} eq 'revoked';                     # revoked is final
    for my $a (sort { $a->{tu} <=> $b->{tu} } grep { defined } @answers) {
        if ($a->{st} eq 'unknown') {                        # never replaces a definite status
            $rec->{st} = 'unknown' if $rec->{st} eq 'none';
            next;
        }
        next if defined $rec->{tu} && $a->{tu} < $rec->{tu};   # a replay
        if ($a->{st} eq 'revoked') {
            %$rec = (%$a);
            return;
        }
        if ($a->{st} eq 'good' && $rec->{st} eq 'hold' && !($a->{tu} > $rec->{tu})) {
            next;                                           # a hold is lifted only by a later answer
        }
        %$rec = (%$a);
    }
}

# chain_now - an intermediate's status by this refresh's answers alone;
# revoked stays revoked
sub chain_now {
    my ($rec, @answers) = @_;
    return if $rec->{st} eq 'revoked';
    my @a = grep { $_ && $_->{st} ne 'unknown' } @answers;
    my ($r) = grep { $_->{st} eq 'revoked' } @a;
    my ($g) = sort { $b->{tu} <=> $a->{tu} } grep { $_->{st} eq 'good' } @a;
    %$rec = $r ? %$r : $g ? %$g : (st => 'none');
}

# acceptable - would this answer change or confirm the record
sub acceptable {
    my ($rec, $a) = @_;
    return 0 unless $a && $a->{st} ne 'unknown';
    return 0 if $rec->{st} eq 'revoked';
    return 0 if defined $rec->{tu} && $a->{tu} < $rec->{tu};
    return 0 if $a->{st} eq 'good' && $rec->{st} eq 'hold' && !($a->{tu} > $rec->{tu});
    return 1;
}

# The readings of the contract where it leaves a choice open. With
# "ocsp, crl": both sources are read; or the CRL only when OCSP gave no
# answer refresh could take; or only when OCSP gave no verified definite
# answer at all. cRLNumber "not backwards" per CA key: tracked over every
# CRL of that key refresh read (ARLs, deltas and expired ones too), or over
# the CRLs it used, or left to the thisUpdate rule. An invariant holds only
# where all readings agree.
#
# The whole chain: an intermediate's status is kept from refresh to refresh
# like a client's ("chain-kept"); or it counts only when this refresh got a
# verified good answer for it, and a client's own good or unknown answers
# of a refresh without one are not recorded, its revoked and hold answers
# are ("chain-now").
our @READINGS = map { my $c = $_; map { my $s = $_; map { "$s/$_/$c" } qw(number-any number-used number-time) }
                     qw(both fallback-usable fallback-answered) } qw(chain-kept chain-now);

sub model_refresh {
    my ($seq, $now) = @_;
    my $tl = $seq->{tl};
    my @names = (@{ $seq->{inters} }, @{ $seq->{enrolled} });    # intermediates first
    for my $rd (@READINGS) {
        my ($srd, $nrd, $crd) = split(m{/}, $rd);
        my $maxnum = $nrd ne 'number-time' ? ($seq->{maxnum}{$rd} //= {}) : undef;
        my %read;
        for my $name (@names) {
            my $crls = $seq->{crlmode} eq 'files'
                ? [ map { served_crls($seq->{served}{"crl-$_"}) } qw(ca1 ca2 root) ]
                : [ served_crls($seq->{served}{ 'crl-' . $CA_OF{$name} }) ];
            my $crl = $seq->{mode} =~ /crl/ ? crl_verdict($tl, $name, $crls, $now, $maxnum) : undef;
            my $ocsp = $seq->{mode} =~ /ocsp/
                ? ocsp_verdict($tl, $name, $seq->{served}{ 'ocsp-' . $CA_OF{$name} }, $now) : undef;
            $seq->{seen}{$name} = [ $ocsp, $seq->{mode} =~ /crl/ ? crl_verdict($tl, $name, $crls, $now) : undef ]
                if $rd eq $READINGS[0];
            my $rec = $seq->{rec}{$rd}{$name} //= { st => 'none' };
            my @use = ($ocsp, $crl);
            my $crl_read = $seq->{mode} =~ /crl/;
            if ($seq->{mode} eq 'ocsp, crl' && $srd ne 'both') {
                my $answered = $srd eq 'fallback-usable' ? acceptable($rec, $ocsp)
                    : ($ocsp && $ocsp->{st} ne 'unknown');
                if ($answered) {
                    @use = ($ocsp);
                    $crl_read = 0;
                }
            }
            if ($crl_read && $nrd eq 'number-used') {
                my $k = $CA_OF{$name};
                $read{$k} = $crl->{num} if $crl && $crl->{num} > ($read{$k} // 0);
            } elsif ($crl_read) {
                for my $c (grep { $_->{key} eq $CA_OF{$name} } @$crls) {
                    $read{ $c->{key} } = $c->{num} if $c->{num} > ($read{ $c->{key} } // 0);
                }
            }
            if ($crd eq 'chain-now' && $name =~ /^ca/) {
                chain_now($rec, @use);
                next;
            }
            if ($crd eq 'chain-now' && $seq->{rec}{$rd}{ $CA_OF{$name} }{st} ne 'good') {
                @use = grep { $_ && ($_->{st} eq 'revoked' || $_->{st} eq 'hold') } @use;
            }
            rec_apply($rec, @use);
        }
        if ($maxnum) {
            for my $k (keys %read) {
                $maxnum->{$k} = $read{$k} if $read{$k} > ($maxnum->{$k} // 0);
            }
        }
    }
}

# expect - "notok" (must not be OK), "ok" (must be OK) or "" (either)
sub expect {
    my ($seq, $name, $now) = @_;
    my $inter = $CA_OF{$name};
    my ($all_bad, $all_good) = (1, 1);
    for my $rd (@READINGS) {
        my ($r, $i) = ($seq->{rec}{$rd}{$name}, $seq->{rec}{$rd}{$inter});
        my $bad = $r->{st} eq 'revoked' || $r->{st} eq 'hold' || $i->{st} eq 'revoked';
        my $good = $r->{st} eq 'good' && $r->{nu} + $SKEW >= $now && $i->{st} eq 'good' && $i->{nu} + $SKEW >= $now;
        $all_bad &&= $bad;
        $all_good &&= $good;
    }
    my $truth = $seq->{tl}{epochs}[ $seq->{ep} ]{truth};
    return 'notok' if $all_bad;
    return 'ok' if $all_good && $truth->{$name}{st} eq 'good' && $truth->{$inter}{st} eq 'good';
    return '';
}

# rec_text - the status refresh must hold for name, by reading
sub rec_text {
    my ($seq, $name) = @_;
    my (%by, @order);
    for my $rd (@READINGS) {
        my $r = $seq->{rec}{$rd}{$name} // { st => 'none' };
        my $t = $r->{st} . (defined $r->{tu} ? " by $r->{src} of " . iso($r->{tu}) : '');
        push(@order, $t) unless $by{$t};
        push(@{ $by{$t} }, $rd);
    }
    return "$order[0] (every reading)" if @order == 1;
    return join('; ', map { "$_ (" . join(' ', @{ $by{$_} }) . ')' } @order);
}

# seen_text - this step's verified answers for name
sub seen_text {
    my ($seq, $name) = @_;
    my @t;
    for my $a (@{ $seq->{seen}{$name} }) {
        push(@t, "$a->{src} says $a->{st} (thisUpdate " . iso($a->{tu}) . ')') if $a;
    }
    return @t ? join(', ', @t) : 'no verified answer';
}

1;
