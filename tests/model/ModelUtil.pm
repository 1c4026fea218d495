# ModelUtil.pm - small helpers of tests/model/revocation_model.pl
#
# A seeded random generator that gives the same numbers on every platform,
# commands run without a shell (their output to $ModelUtil::LOG, or
# captured), whole-file reads and writes (a write goes to FILE.tmp, then is
# renamed), and time stamps as openssl wants them. A failed command or
# file operation dies with its name.
package ModelUtil;
use strict;
use warnings;
use POSIX qw(strftime);
use Exporter 'import';
our @EXPORT = qw(rng_new rng_int rng_pick rng_weighted run capture system_quiet stamp ustamp slurp spew);
our $LOG = '/dev/null';

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
        open(STDOUT, '>>', $LOG);
        open(STDERR, '>&', \*STDOUT);
        exec(@cmd) or exit(127);
    }
    waitpid($pid, 0);
    die "failed ($?): @cmd (see $LOG)\n" if $?;
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

# system_quiet - the exit status of a command, its output discarded
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
1;
