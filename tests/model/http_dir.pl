#!/usr/bin/perl
# http_dir.pl - a loopback HTTP server for tests/model/revocation_model.pl
#
# perl http_dir.pl DIR
#
# Listens on 127.0.0.1 at a port the system chooses, prints that port on
# its standard output once it listens (the caller reads it: no waiting by
# time), then answers each request, one connection at a time, with the
# file DIR/wN/NAME for the path /wN/NAME as it is at that moment (200;
# content type application/ocsp-response for names starting with "ocsp",
# application/pkix-crl otherwise), or 404 when there is no such file. A
# request body (an OCSP request) is read and ignored. Ends when its parent
# ends, or on SIGTERM.
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;
use POSIX ();

my $dir = shift // die "usage: http_dir.pl DIR\n";
my $l = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 64,
                              ReuseAddr => 1, Proto => 'tcp') or die "http_dir.pl: listen: $!\n";
my $parent = getppid();
$SIG{PIPE} = 'IGNORE';
$| = 1;
print $l->sockport, "\n";
close(STDOUT);
my $sel = IO::Select->new($l);
for (;;) {
    POSIX::_exit(0) if getppid() != $parent;    # the caller is gone
    next unless $sel->can_read(1);
    my $c = $l->accept or next;
    answer($c);
    close($c);
}

# answer - one request, one reply; a client that stops sending is dropped
sub answer {
    my ($c) = @_;
    my $sel = IO::Select->new($c);
    my $buf = '';
    while ($buf !~ /\r\n\r\n/) {
        return unless $sel->can_read(5);
        my $n = sysread($c, $buf, 65536, length $buf);
        return unless $n;
    }
    my ($head, $body) = split(/\r\n\r\n/, $buf, 2);
    my $want = $head =~ /^Content-Length:\s*(\d+)/mi ? $1 : 0;
    while (length($body) < $want) {
        return unless $sel->can_read(5);
        my $n = sysread($c, $body, 65536, length $body);
        return unless $n;
    }
    my ($path) = $head =~ m{^\S+\s+/(w\d+/[A-Za-z0-9._-]+)};
    my $msg = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n";
    if (defined $path && open(my $fh, '<', "$dir/$path")) {
        local $/;
        my $data = <$fh> // '';
        close($fh);
        my $type = $path =~ m{/ocsp} ? 'application/ocsp-response' : 'application/pkix-crl';
        $msg = "HTTP/1.0 200 OK\r\nContent-Type: $type\r\nContent-Length: " . length($data) . "\r\n\r\n$data";
    }
    syswrite($c, $msg);
}
