#!/bin/bash
# Captures one close between two network namespaces joined by a veth pair, and what
# `ss -tan` showed on both hosts as it went. Usage: run.sh MODE OUTDIR
set -u
mode=$1; out=$2
name=$mode${IFACE:+-$IFACE}
ip netns del i13c 2>/dev/null; ip netns del i13s 2>/dev/null
ip netns add i13c; ip netns add i13s
ip link add i13vc type veth peer name i13vs
ip link set i13vc netns i13c; ip link set i13vs netns i13s
ip -n i13c addr add 10.13.0.1/24 dev i13vc; ip -n i13s addr add 10.13.0.2/24 dev i13vs
ip -n i13c link set i13vc up; ip -n i13s link set i13vs up
ip -n i13c link set lo up; ip -n i13s link set lo up
# IFACE=any captures as Linux cooked (SLL2) instead of Ethernet.
ip netns exec i13c tcpdump -i ${IFACE:-i13vc} -s 0 -U -w $out/$name.pcap tcp 2>/dev/null &
td=$!
sleep 1
rm -f /tmp/tcpwave-closing
ip netns exec i13s python3 $(dirname $0)/peer.py server $mode &
sv=$!
sleep 0.5
ip netns exec i13c python3 $(dirname $0)/peer.py client $mode &
cl=$!
ss_snap() { echo "# $1"; ip netns exec i13c ss -tanH state all "( sport = :40013 or dport = :40013 )" | sed 's/^/client /'; ip netns exec i13s ss -tanH state all "( sport = :8080 or dport = :8080 )" | grep -v LISTEN | sed 's/^/server /'; }
: > $out/$name.ss
while [ ! -f /tmp/tcpwave-closing ]; do sleep 0.01; done
ss_snap "before the client's close" >> $out/$name.ss
if [ "$mode" = refin ]; then
  # Take the server's end of the link down for a moment: the client's FIN leaves
  # (and is captured) but is lost at the veth, whose peer is down.
  ip -n i13s link set i13vs down
fi
sleep 0.17
ss_snap "0.07 s after the client's close" >> $out/$name.ss
sleep 0.08
if [ "$mode" = refin ]; then ip -n i13s link set i13vs up; fi
sleep 0.45
ss_snap "0.6 s after the client's close" >> $out/$name.ss
wait $cl $sv
sleep 0.2
ss_snap "at the end" >> $out/$name.ss
sleep 0.5
kill $td; wait $td 2>/dev/null
ip netns del i13c; ip netns del i13s
