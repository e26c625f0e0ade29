import { lossRules, partitionRuleset } from './firewall.js';

test('a partition drops IP both ways and ARP to and from the peers, in one table per family', () => {
  expect(partitionRuleset(['198.51.100.2', '198.51.100.3'])).toMatchInlineSnapshot(`
"table inet capsule_nemesis {
  chain input { type filter hook input priority 0; policy accept; ip saddr { 198.51.100.2, 198.51.100.3 } drop; }
  chain output { type filter hook output priority 0; policy accept; ip daddr { 198.51.100.2, 198.51.100.3 } drop; }
}
table arp capsule_nemesis {
  chain input { type filter hook input priority 0; policy accept; arp saddr ip { 198.51.100.2, 198.51.100.3 } drop; }
  chain output { type filter hook output priority 0; policy accept; arp daddr ip { 198.51.100.2, 198.51.100.3 } drop; }
}
"
`);
});

test('packet loss is one rule per direction, the same text to add and to delete', () => {
  expect(lossRules(0.3)).toEqual([
    ['INPUT', '-m', 'statistic', '--mode', 'random', '--probability', '0.30', '-m', 'comment', '--comment', 'capsule-nemesis', '-j', 'DROP'],
    ['OUTPUT', '-m', 'statistic', '--mode', 'random', '--probability', '0.30', '-m', 'comment', '--comment', 'capsule-nemesis', '-j', 'DROP'],
  ]);
});
