# The table of bench/compare.sh, from the RESULT lines of bench/latency.h (and compare.sh's own).
# One row per scenario: contactd, PostgreSQL, their ratio (how many times better contactd is),
# and contactd as a fraction of the limit of its parts where there is one. Exits 1 when contactd
# and PostgreSQL found different totals for a search.

/^RESULT / {
  sys = ""; sc = ""
  for (i = 2; i <= NF; i++) {
    split($i, kv, "=")
    if (kv[1] == "system") sys = kv[2]
    else if (kv[1] == "scenario") sc = kv[2]
    else v[sys, sc, kv[1]] = kv[2]
  }
  if (!(sc in seen) && sys != "limit") { order[++n] = sc; seen[sc] = 1 }
  has[sys, sc] = 1
}

function num(x,   s, out) {  # 1234567 -> 1,234,567
  if (x == "") return "-"
  s = sprintf("%.0f", x); out = ""
  while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
  return s out
}
function lat(sys, sc) {
  if (!has[sys, sc]) return "-"
  return sprintf("%s / %s", num(v[sys, sc, "p50_us"]), num(v[sys, sc, "p99_us"]))
}
function rate(sys, sc) { return has[sys, sc] ? num(v[sys, sc, "rate"]) : "-" }
function ratio(a, b) { return (a > 0 && b > 0) ? sprintf("%.1fx", a / b) : "-" }
function pct(a, b) { return (a > 0 && b > 0) ? sprintf("%.0f%%", 100 * a / b) : "-" }
function row(name, c, p, r, l, f) { printf "%-28s %-22s %-22s %-9s %-24s %s\n", name, c, p, r, l, f }

END {
  row("scenario", "contactd", "postgresql", "ratio", "limit", "of limit")
  row("", "", "", "", "", "")
  c = "contactd"; p = "postgresql"
  row("upsert (contacts/s)", rate(c, "upsert"), rate(p, "upsert"),
      ratio(v[c, "upsert", "rate"], v[p, "upsert", "rate"]),
      "raw RocksDB " rate("limit", "rocks_write"), pct(v[c, "upsert", "rate"], v["limit", "rocks_write", "rate"]))
  row("  p99 per 1000 (us)", num(v[c, "upsert", "p99_us"]), has[p, "upsert"] ? num(v[p, "upsert", "p99_us"]) : "-",
      "", "", "")
  row("get by id (req/s)", rate(c, "get"), rate(p, "get"), ratio(v[c, "get", "rate"], v[p, "get", "rate"]),
      "bare Beast " rate("limit", "bare_get"), pct(v[c, "get", "rate"], v["limit", "bare_get", "rate"]))
  row("  p50 / p99 (us)", lat(c, "get"), lat(p, "get"), "", lat("limit", "bare_get"), "")
  print ""
  row("search p50 / p99 (us)", "", "", "p50", "total", "")
  bad = 0
  for (i = 1; i <= n; i++) {
    sc = order[i]
    if (sc == "mixed" || !(has[c, sc] && (c, sc, "total") in v)) continue
    t = v[c, sc, "total"]; note = num(t)
    if (has[p, sc] && v[p, sc, "total"] != t) { note = note " != postgresql " num(v[p, sc, "total"]); bad = 1 }
    row("  " sc, lat(c, sc), lat(p, sc), ratio(v[p, sc, "p50_us"], v[c, sc, "p50_us"]), note, "")
  }
  print ""
  row("mixed (req/s)", rate(c, "mixed"), rate(p, "mixed"), ratio(v[c, "mixed", "rate"], v[p, "mixed", "rate"]), "", "")
  row("  p50 / p99 (us)", lat(c, "mixed"), lat(p, "mixed"), "", "", "")
  row("cold restart (s)", v[c, "cold_restart", "secs"], "", "", num(v[c, "cold_restart", "rate"]) " contacts/s", "")
  row("RSS/contact after load (B)", v[c, "rss_loaded", "bytes_per_contact"], "", "", "", "")
  row("RSS/contact after restart", v[c, "rss_restarted", "bytes_per_contact"], "", "", "", "")
  row("disk/contact (B)", v[c, "disk", "bytes_per_contact"], has[p, "disk"] ? v[p, "disk", "bytes_per_contact"] : "-", "", "", "")
  for (k in v) {
    split(k, parts, SUBSEP)
    if (parts[3] == "errors") { print "ERRORS: " parts[1] " " parts[2] " " v[k]; bad = 1 }
  }
  if (bad) { print "compare: totals differ or requests failed (see above)"; exit 1 }
}
