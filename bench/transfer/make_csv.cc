// make_csv: writes an N-row contacts CSV for the import benchmark (bench/transfer/run.sh), from
// bench/datagen's deterministic contacts: external_id, name, email, phonenumber (E.164), and
// the custom attributes plan, ltv, vip, signup (define them on the chatbot first:
// bench/datagen.h GeneratedAttributes). --stripe adds a stripe_accounts column (YAML, as an
// export writes it) for the contacts that have an account.
//
//   make_csv ROWS [--seed N] [--stripe] [-o FILE]     (stdout without -o)
//
// Text cells go through transfer::AppendCsvField, the export's own quoting.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "bench/datagen.h"
#include "engine/transfer/contact_csv.h"
#include "engine/transfer/csv_writer.h"

namespace {

int Usage(const char* why) {
  std::fprintf(stderr, "make_csv: %s\nusage: make_csv ROWS [--seed N] [--stripe] [-o FILE]\n", why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using contactd::transfer::AppendCsvField;
  uint64_t rows = 0;
  uint64_t seed = 1;
  bool stripe = false;
  const char* path = nullptr;
  bool have_rows = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--seed" && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--stripe") {
      stripe = true;
    } else if (arg == "-o" && i + 1 < argc) {
      path = argv[++i];
    } else if (!have_rows && !arg.empty() && arg[0] != '-') {
      char* end = nullptr;
      rows = std::strtoull(argv[i], &end, 10);
      if (*end != '\0') return Usage("ROWS must be a number");
      have_rows = true;
    } else {
      return Usage(("bad argument " + std::string(arg)).c_str());
    }
  }
  if (!have_rows) return Usage("missing ROWS");
  FILE* out = path ? std::fopen(path, "wb") : stdout;
  if (out == nullptr) {
    std::fprintf(stderr, "make_csv: cannot write %s: %s\n", path, std::strerror(errno));
    return 1;
  }

  std::string buf = "external_id,name,email,phonenumber,plan,ltv,vip,signup";
  buf += stripe ? ",stripe_accounts\r\n" : "\r\n";
  const contactd::bench::ContactGenerator gen(seed);
  char number[32];
  for (uint64_t n = 0; n < rows; ++n) {
    const contactd::bench::GeneratedContact c = gen.Make(n);
    AppendCsvField(c.external_id, &buf);
    buf.push_back(',');
    AppendCsvField(c.name, &buf);
    buf.push_back(',');
    AppendCsvField(c.email, &buf);
    buf.push_back(',');
    buf += c.phone;  // E.164 as a CRM writes it (no formula escaping: not an export of ours)
    buf.push_back(',');
    AppendCsvField(c.plan, &buf);
    std::snprintf(number, sizeof number, ",%.2f,", c.ltv);
    buf += number;
    buf += c.vip ? "true," : "false,";
    AppendCsvField(c.signup, &buf);
    if (stripe) {
      buf.push_back(',');
      if (!c.stripe_id.empty()) {
        AppendCsvField(contactd::transfer::StripeAccountsToYaml(
                           {contactd::StripeAccount{"main", c.stripe_id, {}}}),
                       &buf);
      }
    }
    buf += "\r\n";
    if (buf.size() >= (1 << 20)) {
      if (std::fwrite(buf.data(), 1, buf.size(), out) != buf.size()) break;
      buf.clear();
    }
  }
  std::fwrite(buf.data(), 1, buf.size(), out);
  if (std::fflush(out) != 0 || std::ferror(out) || (path && std::fclose(out) != 0)) {
    std::fprintf(stderr, "make_csv: write failed: %s\n", std::strerror(errno));
    return 1;
  }
  return 0;
}
