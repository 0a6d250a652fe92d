#!/usr/bin/env python3
"""Markdown table of a plan's export zip(s): every module, its result, and each condition that did not pass
(FAILURE, WARNING, and the reason of a SKIPPED). A plan that runs its modules once per response type (Implicit,
Hybrid) names the response type beside each module. Usage: tables.py ZIP..."""
import collections, json, sys, zipfile

def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")[:300]

for z in sys.argv[1:]:
    zf = zipfile.ZipFile(z)
    rows, totals = [], collections.Counter()
    logs = [json.loads(zf.read(n)) for n in zf.namelist() if n.endswith('.json') and n.startswith('test-log-')]
    rtype = lambda d: (d.get('testInfo', d).get('variant') or {}).get('response_type') or ''
    several = len({rtype(d) for d in logs}) > 1
    for d in sorted(logs, key=lambda d: (d.get('testInfo', d).get('testName'), rtype(d))):
        info = d.get('testInfo', d)
        result, test = info.get('result'), info.get('testName')
        label = "`%s` (`%s`)" % (test, rtype(d)) if several else "`%s`" % test
        totals[result] += 1
        notes = []
        for e in d.get('results', []):
            r = e.get('result')
            if r in ('FAILURE', 'WARNING'):
                notes.append("%s `%s`: %s" % (r, e.get('src'), e.get('msg')))
            elif r == 'SKIPPED':
                notes.append("skipped: %s" % e.get('msg'))
            elif result == 'REVIEW' and r == 'REVIEW':
                notes.append("REVIEW `%s`: %s" % (e.get('src'), e.get('msg')))
        rows.append("| %s | %s | %s |" % (label, result, cell("; ".join(notes))))
    print("Totals: " + ", ".join("%s %d" % (k, totals[k]) for k in ("PASSED", "WARNING", "REVIEW", "SKIPPED", "FAILED") if totals[k]))
    print()
    print("| module | result | conditions not passed |")
    print("|---|---|---|")
    print("\n".join(rows))
    print()
