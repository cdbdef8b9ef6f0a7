#!/usr/bin/env python3
"""The sessionkit dashboard, in one place.

  render.py --dashboard            writes sessionkit-dashboard.json (Grafana) from PANELS
  render.py SCRAPES_DIR OUT.html   draws the same panels from recorded /actuator/prometheus scrapes
                                   (files scrape-<unix ms>.txt) as a static HTML page of SVG charts

Each panel's PromQL (for Grafana) sits next to the same computation for recorded scrapes (for the
picture): a rate is the counter's increase over WINDOW scrapes divided by the seconds between them,
summed by the panel's labels, as Prometheus's rate() with a 4-scrape $__rate_interval does. No
Grafana and no Prometheus server were involved in the picture; the numbers are those of the scrapes.
"""
import json, math, os, re, sys

R = "$__rate_interval"
I = 'instance=~"$instance"'
WINDOW = 4


def rate(metric, by=(), where=None, scale=1.0):
    return ("rate", metric, tuple(by), where, scale)


PANELS = [
    ("Sessions started / ended per minute", "short", [
        ("started", f"sum(rate(sessionkit_sessions_started_total{{{I}}}[{R}])) * 60",
         rate("sessionkit_sessions_started_total", scale=60)),
        ("ended {{reason}}", f"sum by (reason) (rate(sessionkit_sessions_ended_total{{{I}}}[{R}])) * 60",
         rate("sessionkit_sessions_ended_total", ("reason",), scale=60)),
        ("id rotations", f"sum(rate(sessionkit_sessions_id_rotations_total{{{I}}}[{R}])) * 60",
         rate("sessionkit_sessions_id_rotations_total", scale=60)),
    ]),
    ("Active sessions (cached gauge)", "short", [
        ("active", f"sum(sessionkit_sessions_active{{{I}}})", ("gauge", "sessionkit_sessions_active", "sum")),
    ]),
    ("Cookies rejected per minute", "short", [
        ("{{reason}}", f"sum by (reason) (rate(sessionkit_cookies_rejected_total{{{I}}}[{R}])) * 60",
         rate("sessionkit_cookies_rejected_total", ("reason",), scale=60)),
    ]),
    ("Store operations per second", "ops", [
        ("{{operation}}", f"sum by (operation) (rate(sessionkit_store_operations_seconds_count{{{I}}}[{R}]))",
         rate("sessionkit_store_operations_seconds_count", ("operation",))),
    ]),
    ("Store operation mean time", "s", [
        ("{{operation}}", f"sum by (operation) (rate(sessionkit_store_operations_seconds_sum{{{I}}}[{R}]))"
         f" / sum by (operation) (rate(sessionkit_store_operations_seconds_count{{{I}}}[{R}]))",
         ("ratio", "sessionkit_store_operations_seconds_sum", "sessionkit_store_operations_seconds_count", ("operation",))),
    ]),
    ("p99 store time (histograms on)", "s", [
        ("{{operation}}", f"histogram_quantile(0.99, sum by (le, operation) (rate(sessionkit_store_operations_seconds_bucket{{{I}}}[{R}])))",
         ("quantile", 0.99, "sessionkit_store_operations_seconds_bucket", ("operation",))),
    ]),
    ("Request steps mean time", "s", [
        ("{{step}}", f"sum by (step) (rate(sessionkit_request_steps_seconds_sum{{{I}}}[{R}]))"
         f" / sum by (step) (rate(sessionkit_request_steps_seconds_count{{{I}}}[{R}]))",
         ("ratio", "sessionkit_request_steps_seconds_sum", "sessionkit_request_steps_seconds_count", ("step",))),
    ]),
    ("Store calls failing per second", "ops", [
        ("{{operation}} {{outcome}}", f"sum by (operation, outcome) (rate(sessionkit_store_operations_seconds_count{{{I}, outcome!=\"ok\"}}[{R}]))",
         rate("sessionkit_store_operations_seconds_count", ("operation", "outcome"), lambda l: l.get("outcome") != "ok")),
    ]),
    ("Encoded session size", "bytes", [
        ("mean", f"sum(rate(sessionkit_session_size_bytes_sum{{{I}}}[{R}])) / sum(rate(sessionkit_session_size_bytes_count{{{I}}}[{R}]))",
         ("ratio", "sessionkit_session_size_bytes_sum", "sessionkit_session_size_bytes_count", ())),
        ("p99", f"histogram_quantile(0.99, sum by (le) (rate(sessionkit_session_size_bytes_bucket{{{I}}}[{R}])))",
         ("quantile", 0.99, "sessionkit_session_size_bytes_bucket", ())),
    ]),
    ("Sweeper: sessions purged per minute", "short", [
        ("purged", f"sum(rate(sessionkit_sweep_purged_total{{{I}}}[{R}])) * 60",
         rate("sessionkit_sweep_purged_total", scale=60)),
        ("batches", f"sum(rate(sessionkit_sweep_batches_total{{{I}}}[{R}])) * 60",
         rate("sessionkit_sweep_batches_total", scale=60)),
    ]),
    ("Store pool connections (HikariCP)", "short", [
        ("active", f"sum(hikaricp_connections_active{{{I}}})", ("gauge", "hikaricp_connections_active", "sum")),
        ("idle", f"sum(hikaricp_connections_idle{{{I}}})", ("gauge", "hikaricp_connections_idle", "sum")),
        ("pending", f"sum(hikaricp_connections_pending{{{I}}})", ("gauge", "hikaricp_connections_pending", "sum")),
    ]),
    ("Store pool: connection acquire mean time", "s", [
        ("acquire", f"sum(rate(hikaricp_connections_acquire_seconds_sum{{{I}}}[{R}]))"
         f" / sum(rate(hikaricp_connections_acquire_seconds_count{{{I}}}[{R}]))",
         ("ratio", "hikaricp_connections_acquire_seconds_sum", "hikaricp_connections_acquire_seconds_count", ())),
    ]),
]


def dashboard():
    panels = []
    for i, (title, unit, targets) in enumerate(PANELS):
        ds = {"type": "prometheus", "uid": "${datasource}"}
        panels.append({
            "id": i + 1, "type": "timeseries", "title": title, "datasource": ds,
            "gridPos": {"h": 8, "w": 8, "x": (i % 3) * 8, "y": (i // 3) * 8},
            "fieldConfig": {"defaults": {"unit": unit, "custom": {"lineWidth": 1, "fillOpacity": 10}}, "overrides": []},
            "options": {"legend": {"displayMode": "list", "placement": "bottom"}, "tooltip": {"mode": "multi"}},
            "targets": [{"refId": chr(65 + j), "expr": expr, "legendFormat": legend, "datasource": ds}
                        for j, (legend, expr, _) in enumerate(targets)],
        })
    return {
        "title": "sessionkit", "uid": "sessionkit", "schemaVersion": 39, "version": 1, "editable": True,
        "description": "sessionkit's Micrometer meters (session-micrometer) scraped by Prometheus; the meter list is"
                       " in README.md, 'Metrics and traces'. Generated by docs/grafana/render.py --dashboard.",
        "tags": ["sessionkit", "sessions"], "time": {"from": "now-30m", "to": "now"}, "refresh": "30s",
        "templating": {"list": [
            {"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Prometheus"},
            {"name": "instance", "type": "query", "label": "instance",
             "datasource": {"type": "prometheus", "uid": "${datasource}"},
             "query": "label_values(sessionkit_sessions_started_total, instance)", "includeAll": True,
             "multi": True, "allValue": ".*", "current": {"text": "All", "value": "$__all"}, "refresh": 2},
        ]},
        "panels": panels,
    }


LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse(text):
    out = {}
    for line in text.splitlines():
        if not line or line[0] == "#":
            continue
        m = LINE.match(line)
        if m:
            labels = dict(LABEL.findall(m.group(2) or ""))
            out.setdefault(m.group(1), []).append((labels, float(m.group(3))))
    return out


def grouped_increase(prev, cur, metric, by, where, extra=()):
    """sum by (by) of each series' increase from prev to cur (a reset counts from zero)."""
    before = {tuple(sorted(l.items())): v for l, v in prev.get(metric, [])}
    out = {}
    for labels, v in cur.get(metric, []):
        if where and not where(labels):
            continue
        old = before.get(tuple(sorted(labels.items())), 0.0)
        inc = v - old if v >= old else v
        key = tuple(labels.get(b, "") for b in by + extra)
        out[key] = out.get(key, 0.0) + inc
    return out


def quantile(q, buckets):
    """Prometheus's histogram_quantile over {le: cumulative count}."""
    items = sorted((float("inf") if le == "+Inf" else float(le), c) for le, c in buckets.items())
    if not items or items[-1][1] <= 0:
        return None
    rank = q * items[-1][1]
    prev_le, prev_c = 0.0, 0.0
    for le, c in items:
        if c >= rank:
            if le == float("inf"):
                return prev_le
            return prev_le + (le - prev_le) * ((rank - prev_c) / (c - prev_c) if c > prev_c else 0)
        prev_le, prev_c = le, c
    return prev_le


def compute(spec, scrapes, i):
    t0, prev = scrapes[max(0, i - WINDOW)]
    t1, cur = scrapes[i]
    dt = (t1 - t0) / 1000
    if spec[0] == "gauge":
        vals = [v for _, v in cur.get(spec[1], []) if not math.isnan(v)]
        return {(): (sum(vals) if spec[2] == "sum" else max(vals))} if vals else {}
    if dt <= 0:
        return {}
    if spec[0] == "rate":
        _, metric, by, where, scale = spec
        return {k: v / dt * scale for k, v in grouped_increase(prev, cur, metric, by, where).items()}
    if spec[0] == "ratio":
        _, s, c, by = spec
        sums, counts = grouped_increase(prev, cur, s, by, None), grouped_increase(prev, cur, c, by, None)
        return {k: sums.get(k, 0) / n for k, n in counts.items() if n > 0}
    if spec[0] == "quantile":
        _, q, metric, by = spec
        inc = grouped_increase(prev, cur, metric, by, None, ("le",))
        groups = {}
        for key, v in inc.items():
            groups.setdefault(key[:-1], {})[key[-1]] = v
        return {k: val for k, b in groups.items() if (val := quantile(q, b)) is not None}
    raise ValueError(spec)


COLORS = ["#73bf69", "#f2cc0c", "#5794f2", "#ff9830", "#f2495c", "#b877d9", "#8ab8ff", "#ffcb7d", "#96d98d", "#ff7383"]


def fmt(v, unit):
    if unit == "s":
        return f"{v * 1000:.3g} ms" if v < 1 else f"{v:.3g} s"
    if unit == "bytes":
        return f"{v:.0f} B" if v < 1024 else f"{v / 1024:.3g} KiB"
    return f"{v:,.0f}" if v >= 100 else f"{v:.3g}"


def svg_panel(title, unit, targets, scrapes):
    w, h, left, top, bottom = 460, 230, 58, 28, 62
    series = {}
    for legend_fmt, _, spec in targets:
        by = spec[2] if spec[0] == "rate" else spec[3] if spec[0] in ("ratio", "quantile") else ()
        for i in range(1, len(scrapes)):
            for key, v in compute(spec, scrapes, i).items():
                legend = legend_fmt
                for name, val in zip(by, key):
                    legend = legend.replace("{{" + name + "}}", val)
                series.setdefault(legend, []).append(((scrapes[i][0] - scrapes[0][0]) / 1000, v))
    series = {k: v for k, v in series.items() if any(y > 0 for _, y in v)} or series
    tmax = (scrapes[-1][0] - scrapes[0][0]) / 1000
    ymax = max([y for pts in series.values() for _, y in pts] + [0]) * 1.1 or 1.0
    pw, ph = w - left - 12, h - top - bottom
    out = [f'<svg width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg">',
           f'<rect width="{w}" height="{h}" rx="3" fill="#181b1f" stroke="#2c3235"/>',
           f'<text x="10" y="18" fill="#ccccdc" font-size="13" font-weight="600">{title}</text>']
    for k in range(5):
        y = top + ph - ph * k / 4
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#2c3235"/>')
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" fill="#8e8e8e" font-size="10" text-anchor="end">{fmt(ymax * k / 4, unit)}</text>')
    for k in range(0, int(tmax) + 1, 60):
        x = left + pw * k / max(tmax, 1)
        out.append(f'<text x="{x:.1f}" y="{top + ph + 13}" fill="#8e8e8e" font-size="10" text-anchor="middle">{k // 60}m</text>')
    for n, (legend, pts) in enumerate(sorted(series.items())):
        color = COLORS[n % len(COLORS)]
        path = " ".join(f"{left + pw * t / max(tmax, 1):.1f},{top + ph - ph * y / ymax:.1f}" for t, y in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="1.4"/>')
        lx, ly = 10 + (n % 4) * 112, top + ph + 28 + (n // 4) * 13
        out.append(f'<rect x="{lx}" y="{ly - 7}" width="10" height="3" fill="{color}"/>'
                   f'<text x="{lx + 14}" y="{ly - 2}" fill="#ccccdc" font-size="10">{legend[:17]}</text>')
    if not series:
        out.append(f'<text x="{w / 2}" y="{h / 2}" fill="#8e8e8e" font-size="12" text-anchor="middle">No data</text>')
    out.append("</svg>")
    return "".join(out)


def page(directory, note):
    files = sorted((int(f[7:-4]), f) for f in os.listdir(directory) if f.startswith("scrape-") and f.endswith(".txt"))
    scrapes = [(t, parse(open(os.path.join(directory, f)).read())) for t, f in files]
    panels = "".join(f'<div class="p">{svg_panel(t, u, tg, scrapes)}</div>' for t, u, tg in PANELS)
    span = (scrapes[-1][0] - scrapes[0][0]) / 1000
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
body{{background:#111217;color:#ccccdc;font-family:Inter,Helvetica,Arial,sans-serif;margin:12px;width:1404px}}
h1{{font-size:18px;margin:0 0 2px}} .n{{font-size:11px;color:#8e8e8e;margin-bottom:10px}}
.g{{display:grid;grid-template-columns:repeat(3,460px);gap:8px}}</style></head><body>
<h1>sessionkit</h1><div class="n">{note} {len(scrapes)} scrapes over {span / 60:.1f} min;
rates over {WINDOW} scrapes. Panels and queries: docs/grafana/sessionkit-dashboard.json.</div>
<div class="g">{panels}</div></body></html>"""


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.argv[1:] == ["--dashboard"]:
        with open(os.path.join(here, "sessionkit-dashboard.json"), "w") as f:
            json.dump(dashboard(), f, indent=2)
            f.write("\n")
    else:
        note = sys.argv[3] if len(sys.argv) > 3 else ""
        open(sys.argv[2], "w").write(page(sys.argv[1], note))
