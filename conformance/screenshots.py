#!/usr/bin/env python3
"""Pull every filled screenshot placeholder (a REVIEW condition) out of export zips and render it to PNG.
The suite's scripted browser (HtmlUnit) stores the page source of the page it saw, not an image; headless
Chromium draws it (scripts off; images such as a client's logo are loaded, from the suite on oidf-suite.test (127.0.0.1 in /etc/hosts), whose
self-signed certificate Chromium is told to accept for this drawing).
Usage: screenshots.py OUT_DIR ZIP..."""
import json, os, re, subprocess, sys, zipfile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for z in sys.argv[2:]:
    zf = zipfile.ZipFile(z)
    for name in sorted(n for n in zf.namelist() if n.endswith('.json') and n.startswith('test-log-')):
        d = json.loads(zf.read(name))
        test = d.get('testInfo', d).get('testName')
        for i, e in enumerate(x for x in d.get('results', []) if 'page_source' in x):
            base = os.path.join(out, "%s-%d" % (test, i))
            html = re.sub(r'^<\?xml[^>]*>\s*', '', e['page_source'])
            open(base + ".html", "w").write(html)
            subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-javascript",
                            "--ignore-certificate-errors", "--window-size=800,600", "--screenshot=" + base + ".png", "file://" + os.path.abspath(base + ".html")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
            print("%s  %s: %s" % (base + ".png", e.get('src'), e.get('msg')))
