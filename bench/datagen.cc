#include "bench/datagen.h"

#include <array>
#include <cstdio>

namespace contactd::bench {
namespace {

// SplitMix64: a fast, well-mixed hash of (seed, n, salt).
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

constexpr std::array<const char*, 40> kFirst = {
    "Sam",      "Maria", "José",    "Zoë",   "Jürgen",     "Amélie", "Søren",  "Łukasz",
    "Nuño",     "Çağla", "Björn",   "Ana",   "Liam",       "Olivia", "Noah",   "Emma",
    "Mateo",    "Sofía", "Hiroshi", "Yuki",  "Wei",        "Mei",    "Arjun",  "Priya",
    "Oluwa",    "Chidi", "Fatima",  "Omar",  "Ivan",       "Anya",   "Dmitri", "Élodie",
    "François", "Renée", "Ngozi",   "Kwame", "Aleksandra", "Marek",  "Ilse",   "Giulia"};
constexpr std::array<const char*, 40> kLast = {
    "Rivera",  "García",   "Müller", "Dupont", "Nørgaard",  "Kowalski",  "Öztürk",    "Smith",
    "Johnson", "Williams", "Brown",  "Jones",  "Rossi",     "Bianchi",   "Tanaka",    "Suzuki",
    "Wang",    "Li",       "Patel",  "Sharma", "Okafor",    "Mensah",    "Haddad",    "Khalil",
    "Ivanov",  "Petrova",  "Novák",  "Dvořák", "Nguyễn",    "Trần",      "Kim",       "Park",
    "Silva",   "Santos",   "Cohen",  "Levi",   "Andersson", "Johansson", "Fernández", "López"};
constexpr std::array<const char*, 12> kDomains = {
    "gmail.com",   "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "acme.com",
    "example.org", "mail.ru",   "web.de",      "proton.me",   "company.io", "fastmail.com"};
constexpr std::array<const char*, 4> kPlans = {"free", "starter", "pro", "enterprise"};
// E.164 prefixes with the national number length that follows.
struct Country {
  const char* prefix;
  int digits;
};
constexpr std::array<Country, 8> kCountries = {{{"+1", 10},
                                                {"+44", 10},
                                                {"+49", 11},
                                                {"+33", 9},
                                                {"+34", 9},
                                                {"+81", 10},
                                                {"+91", 10},
                                                {"+55", 11}}};

// ASCII-lowercase of the first name for emails (non-ASCII bytes are dropped).
std::string EmailLocal(const char* first, const char* last, uint64_t n) {
  std::string out;
  for (const char* p = first; *p; ++p) {
    const char c = *p;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
      out.push_back(static_cast<char>(c | 0x20));
  }
  out.push_back('.');
  for (const char* p = last; *p; ++p) {
    const char c = *p;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
      out.push_back(static_cast<char>(c | 0x20));
  }
  out += std::to_string(n);
  return out;
}

void AppendJsonString(std::string* out, const std::string& s) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

GeneratedContact ContactGenerator::Make(uint64_t n) const {
  const uint64_t h = Mix(seed_ * 0x100000001b3ull ^ n);
  const uint64_t h2 = Mix(h);
  GeneratedContact c;
  c.external_id = "u" + std::to_string(seed_) + "-" + std::to_string(n);
  const char* first = kFirst[h % kFirst.size()];
  const char* last = kLast[(h >> 8) % kLast.size()];
  c.name = std::string(first) + " " + last;
  c.email = EmailLocal(first, last, n) + "." + std::to_string(seed_) + "@" +
            kDomains[(h >> 16) % kDomains.size()];
  const Country& country = kCountries[(h >> 24) % kCountries.size()];
  c.phone = country.prefix;
  uint64_t digits = h2;
  for (int i = 0; i < country.digits; ++i) {
    c.phone.push_back(static_cast<char>('0' + (i == 0 ? 2 + digits % 8 : digits % 10)));
    digits = digits / 10 ^ Mix(digits + static_cast<uint64_t>(i));
  }
  c.plan = kPlans[(h >> 32) % kPlans.size()];
  c.ltv = static_cast<double>((h2 >> 8) % 100000) / 100.0;
  c.vip = (h2 >> 40) % 10 == 0;
  char date[16];
  std::snprintf(date, sizeof date, "20%02u-%02u-%02u", 15 + static_cast<unsigned>((h2 >> 44) % 12),
                1 + static_cast<unsigned>((h2 >> 48) % 12),
                1 + static_cast<unsigned>((h2 >> 52) % 28));
  c.signup = date;
  if ((h >> 40) % 3 == 0) c.stripe_id = "cus_" + std::to_string(h2 % 100000000000ull);
  return c;
}

std::vector<GeneratedContact> ContactGenerator::Batch(uint64_t first, size_t count) const {
  std::vector<GeneratedContact> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) out.push_back(Make(first + i));
  return out;
}

std::vector<AttributeInput> GeneratedAttributes() {
  auto def = [](const char* name, const char* type) {
    AttributeInput in;
    in.name = name;
    in.type = type;
    return in;
  };
  return {def("plan", "text"), def("ltv", "number"), def("vip", "boolean"), def("signup", "date")};
}

ContactInput ToInput(const GeneratedContact& c) {
  ContactInput in;
  in.external_id.Set(c.external_id);
  in.name.Set(c.name);
  in.email.Set(c.email);
  in.phonenumber.Set(c.phone);
  if (!c.stripe_id.empty()) in.stripe_accounts.Set({StripeAccount{"main", c.stripe_id, {}}});
  in.custom_attributes.Set({{"plan", RawValue::String(c.plan)},
                            {"ltv", RawValue::Double(c.ltv)},
                            {"vip", RawValue::Bool(c.vip)},
                            {"signup", RawValue::String(c.signup)}});
  return in;
}

std::string ToJson(const GeneratedContact& c) {
  std::string out = "{\"external_id\":";
  AppendJsonString(&out, c.external_id);
  out += ",\"name\":";
  AppendJsonString(&out, c.name);
  out += ",\"email\":";
  AppendJsonString(&out, c.email);
  out += ",\"phonenumber\":";
  AppendJsonString(&out, c.phone);
  if (!c.stripe_id.empty()) {
    out += ",\"stripe_accounts\":[{\"label\":\"main\",\"stripe_id\":";
    AppendJsonString(&out, c.stripe_id);
    out += "}]";
  }
  char ltv[32];
  std::snprintf(ltv, sizeof ltv, "%.2f", c.ltv);
  out += ",\"custom_attributes\":{\"plan\":";
  AppendJsonString(&out, c.plan);
  out += ",\"ltv\":";
  out += ltv;
  out += ",\"vip\":";
  out += c.vip ? "true" : "false";
  out += ",\"signup\":";
  AppendJsonString(&out, c.signup);
  out += "}}";
  return out;
}

}  // namespace contactd::bench
