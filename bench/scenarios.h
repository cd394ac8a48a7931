// The comparison harness's workloads, defined once for every system it measures (issue 4).
//
// contactd is driven over HTTP by tools/loadgen; PostgreSQL by bench/pg. Both load the same
// contacts (bench/datagen.h, seed kSeed, external_ids "u7-0" … "u7-<N-1>") into one chatbot
// named kChatbot, then run the same scenarios:
//
//   upsert       bulk upsert, kBatch contacts per request (contactd) / transaction (PostgreSQL)
//   get          get one contact by external_id, uniformly random over the loaded ones
//   <search>     each kSearchScenarios entry: 50 contacts and the exact total of matches
//   mixed        of every 20 requests: 16 gets, 3 searches (kMixedSearches in turn) and one
//                upsert of 10 new contacts (seed kMixedSeed, numbered from a shared counter)
//
// PostgreSQL's table (bench/pg/schema.sql): contacts(id bigserial, chatbot_id, external_id, name,
// email, phonenumber, stripe_accounts jsonb, custom_attributes jsonb, created_at, updated_at) with
// contactd_fold(text) = lower(unaccent(text)), the equivalent of contactd's case and accent
// folding for the generated data. Every query is
//   SELECT … WHERE chatbot_id = $1 AND (<sql_where>) ORDER BY <sql_order> LIMIT 50
// plus SELECT count(*) with the same condition.
//
// Thread-safety: constants only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace contactd::bench {

inline constexpr uint64_t kSeed = 7;
inline constexpr uint64_t kMixedSeed = 8;
inline constexpr std::string_view kChatbot = "bench";
inline constexpr size_t kBatch = 1000;
inline constexpr size_t kPerPage = 50;
// The deep-cursor scenario starts this many rows in (10,000 pages of 50), or at half the data
// when fewer contacts are loaded.
inline constexpr size_t kDeepRows = 500'000;

struct SearchScenario {
  std::string_view name;       // the scenario column of the RESULT line
  std::string_view body;       // contactd: POST /api/v1/chatbots/bench/contacts/search
  std::string_view sql_where;  // PostgreSQL: the condition after "chatbot_id = $1 AND"
  std::string_view sql_order;  // PostgreSQL: ORDER BY
  bool deep = false;           // continue after the first kDeepRows rows (keyset cursor)
};

inline constexpr std::string_view kNewestOrder = "created_at DESC, id DESC";

inline constexpr SearchScenario kSearchScenarios[] = {
    {"newest", R"({"per_page":50})", "TRUE", kNewestOrder},
    {"cursor_deep", R"({"per_page":50})", "TRUE", kNewestOrder, true},
    {"q_1char", R"({"q":"a","per_page":50})",
     "contactd_fold(name) LIKE '%a%' OR lower(email) LIKE '%a%' OR lower(external_id) LIKE '%a%'",
     kNewestOrder},
    {"q_3chars", R"({"q":"gar","per_page":50})",
     "contactd_fold(name) LIKE '%gar%' OR lower(email) LIKE '%gar%' OR "
     "lower(external_id) LIKE '%gar%'",
     kNewestOrder},
    {"q_6chars", R"({"q":"garcia","per_page":50})",
     "contactd_fold(name) LIKE '%garcia%' OR lower(email) LIKE '%garcia%' OR "
     "lower(external_id) LIKE '%garcia%'",
     kNewestOrder},
    {"email_domain",
     R"({"query":{"field":"email","operator":"~","value":"yahoo.com"},"per_page":50})",
     "lower(email) LIKE '%yahoo.com%'", kNewestOrder},
    {"phone_digits", R"({"q":"4155","per_page":50})",
     "contactd_fold(name) LIKE '%4155%' OR lower(email) LIKE '%4155%' OR "
     "lower(external_id) LIKE '%4155%' OR phonenumber LIKE '%4155%'",
     kNewestOrder},
    {"attr_eq_sorted",
     R"({"query":{"field":"custom_attributes.plan","operator":"=","value":"pro"},)"
     R"("sort":[{"field":"custom_attributes.ltv","order":"desc"}],"per_page":50})",
     R"(custom_attributes @> '{"plan":"pro"}')",
     "(custom_attributes->>'ltv')::numeric DESC NULLS LAST, id DESC"},
    {"number_range",
     R"({"query":{"operator":"AND","value":[)"
     R"({"field":"custom_attributes.ltv","operator":">=","value":100},)"
     R"({"field":"custom_attributes.ltv","operator":"<","value":200}]},"per_page":50})",
     "(custom_attributes->>'ltv')::numeric >= 100 AND (custom_attributes->>'ltv')::numeric < 200",
     kNewestOrder},
    {"and_or",
     R"({"query":{"operator":"OR","value":[)"
     R"({"operator":"AND","value":[)"
     R"({"field":"custom_attributes.plan","operator":"IN","value":["pro","enterprise"]},)"
     R"({"field":"custom_attributes.vip","operator":"=","value":true}]},)"
     R"({"operator":"AND","value":[)"
     R"({"field":"custom_attributes.signup","operator":">=","value":"2024-01-01"},)"
     R"({"field":"name","operator":"~","value":"mar"}]}]},"per_page":50})",
     R"(((custom_attributes @> '{"plan":"pro"}' OR custom_attributes @> '{"plan":"enterprise"}'))"
     R"( AND custom_attributes @> '{"vip":true}') OR)"
     R"( (custom_attributes->>'signup' >= '2024-01-01' AND contactd_fold(name) LIKE '%mar%'))",
     kNewestOrder},
};

// The searches of the mixed scenario, by name, used in turn.
inline constexpr std::string_view kMixedSearches[] = {"newest", "q_3chars"};
inline constexpr size_t kMixedUpsertSize = 10;

// Rows the deep-cursor scenario skips for `contacts` loaded contacts.
inline constexpr size_t DeepRows(size_t contacts) {
  return contacts / 2 < kDeepRows ? contacts / 2 : kDeepRows;
}

}  // namespace contactd::bench
