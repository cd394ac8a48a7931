// Black-box tests of search paging (net/search_request.h): cursors on GET /contacts and POST
// /contacts/search visit every contact once in order, continue across per_page changes and
// offset pages, and offset pages count exact totals. The expected order of these larger sets is
// computed with a small model of the sort rules (missing values last in both directions, ties by
// id in the direction of the first key).
//
// One server for the suite; every test works in a chatbot of its own.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <optional>
#include <thread>

#include "tests/integration/search_helpers.h"

namespace contactd::testing {
namespace {

// --- A model of a contact for the expected order of larger sets (ASCII text only). ---

struct Rec {
  std::string ext;
  int64_t id = 0;  // contact number
  int64_t created_at = 0;
  std::optional<std::string> name;  // as sent; compared lower-cased
  std::optional<std::string> email;
  std::optional<std::string> phone;  // digits
  std::optional<double> ltv;
  std::optional<bool> vip;
};

struct SortBy {
  std::string field;  // name, email, ltv, vip, created_at, id
  bool desc = false;
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool Has(const Rec& r, const std::string& f) {
  if (f == "name") return r.name.has_value();
  if (f == "email") return r.email.has_value();
  if (f == "ltv") return r.ltv.has_value();
  if (f == "vip") return r.vip.has_value();
  return true;
}

template <typename T>
int Cmp3(const T& a, const T& b) {
  return a < b ? -1 : b < a ? 1 : 0;
}

int Cmp(const Rec& a, const Rec& b, const std::string& f) {
  if (f == "name") return Cmp3(Lower(*a.name), Lower(*b.name));
  if (f == "email") return Cmp3(Lower(*a.email), Lower(*b.email));
  if (f == "ltv") return Cmp3(*a.ltv, *b.ltv);
  if (f == "vip") return Cmp3(*a.vip, *b.vip);
  if (f == "created_at") return Cmp3(a.created_at, b.created_at);
  return Cmp3(a.id, b.id);
}

// The external ids of the records that `keep`, in the order `sort` gives (empty: newest first).
Ids Expected(const std::vector<Rec>& all, std::vector<SortBy> sort,
             const std::function<bool(const Rec&)>& keep = nullptr) {
  if (sort.empty()) sort.push_back({"created_at", true});
  std::vector<Rec> recs;
  for (const Rec& r : all) {
    if (!keep || keep(r)) recs.push_back(r);
  }
  std::sort(recs.begin(), recs.end(), [&](const Rec& a, const Rec& b) {
    for (const SortBy& k : sort) {
      const bool ha = Has(a, k.field), hb = Has(b, k.field);
      if (ha != hb) return ha;  // missing values last, in either direction
      if (!ha) continue;
      if (int c = Cmp(a, b, k.field); c != 0) return k.desc ? c > 0 : c < 0;
    }
    return sort.front().desc ? a.id > b.id : a.id < b.id;
  });
  Ids out;
  for (const Rec& r : recs) out.push_back(r.ext);
  return out;
}

// The JSON of a contact for the model record (without id and created_at).
std::string ItemJson(const Rec& r) {
  std::string out = "{\"external_id\":" + Quote(r.ext);
  if (r.name) out += ",\"name\":" + Quote(*r.name);
  if (r.email) out += ",\"email\":" + Quote(*r.email);
  if (r.phone) out += ",\"phonenumber\":" + Quote(*r.phone);
  std::string attrs;
  if (r.ltv) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", *r.ltv);
    attrs += std::string(",\"ltv\":") + buf;
  }
  if (r.vip) attrs += std::string(",\"vip\":") + (*r.vip ? "true" : "false");
  if (!attrs.empty()) out += ",\"custom_attributes\":{" + attrs.substr(1) + "}";
  return out + "}";
}

Ids Slice(const Ids& ids, size_t from, size_t count) {
  from = std::min(from, ids.size());
  return Ids(ids.begin() + static_cast<ptrdiff_t>(from),
             ids.begin() + static_cast<ptrdiff_t>(std::min(ids.size(), from + count)));
}

// --- paging ---

// 25 contacts with repeated, missing and case-differing names and numbers.
std::vector<Rec> PagingSet() {
  const char* names[] = {
      "Christopher Alpha", "christopher alpha", "Christopher Beta", "Dana", "dana", "Eve"};
  std::vector<Rec> recs;
  for (int i = 0; i < 25; ++i) {
    Rec r;
    r.ext = "p" + std::to_string(i);
    if (i % 5 != 0) r.name = names[i % 6];
    if (i % 3 != 0) r.ltv = (i % 7) * 1.5;
    if (i % 4 != 0) r.vip = i % 2 == 0;
    if (i % 6 != 0) r.email = "p" + std::to_string(i % 11) + "x" + std::to_string(i) + "@a.io";
    recs.push_back(r);
  }
  return recs;
}

class SearchPaging : public SearchSuite<SearchPaging> {
 protected:
  // Creates the records in one batch; fills in their ids and creation times.
  void Create(std::vector<Rec>* recs, size_t batch = 1000) {
    DefineAttribute(*api_, bot_, "ltv", "number");
    DefineAttribute(*api_, bot_, "vip", "boolean");
    for (size_t from = 0; from < recs->size(); from += batch) {
      std::string items;
      for (size_t i = from; i < std::min(recs->size(), from + batch); ++i) {
        items += (items.empty() ? "" : ",") + ItemJson((*recs)[i]);
      }
      Json data = UpsertOk(items);
      ASSERT_EQ(data.size(), std::min(recs->size(), from + batch) - from);
      for (size_t i = 0; i < data.size(); ++i) {
        Rec& r = (*recs)[from + i];
        ASSERT_EQ(data[i]["external_id"].str(), r.ext);
        r.id = ContactNumber(data[i]["id"].str());
        r.created_at = data[i]["created_at"].i64();
      }
    }
  }
};

TEST_F(SearchPaging, GetCursorVisitsEveryContactOnceInOrder) {
  std::vector<Rec> recs = PagingSet();
  Create(&recs);
  struct Case {
    std::string params;
    std::vector<SortBy> sort;
    std::function<bool(const Rec&)> keep;
  };
  const std::vector<Case> cases = {
      {"", {}, nullptr},
      {"order=asc", {{"created_at", false}}, nullptr},
      {"sort=name", {{"name", false}}, nullptr},
      {"sort=-name", {{"name", true}}, nullptr},
      {"sort=custom_attributes.ltv,name&order=desc", {{"ltv", true}, {"name", true}}, nullptr},
      {"sort=-custom_attributes.vip,custom_attributes.ltv,email",
       {{"vip", true}, {"ltv", false}, {"email", false}},
       nullptr},
      {"sort=email&order=desc", {{"email", true}}, nullptr},
      {"sort=name&filter%5Bcustom_attributes.ltv%5D%5Bexists%5D=true",
       {{"name", false}},
       [](const Rec& r) { return r.ltv.has_value(); }},
      {"q=christopher&sort=-custom_attributes.ltv",
       {{"ltv", true}},
       [](const Rec& r) { return r.name && Lower(*r.name).find("christopher") == 0; }},
  };
  for (const Case& c : cases) {
    const Ids want = Expected(recs, c.sort, c.keep);
    EXPECT_EQ(WalkGet(c.params, 10, static_cast<int64_t>(want.size())), want) << c.params;
    // Offset pages give the same order.
    Ids paged;
    for (int page = 1; page <= 3; ++page) {
      HttpResult r = List("?per_page=10&page=" + std::to_string(page) +
                          (c.params.empty() ? "" : "&" + c.params));
      ASSERT_TRUE(IsSuccess(r)) << c.params;
      for (const std::string& id : Exts(Json(r.body)["data"])) paged.push_back(id);
    }
    EXPECT_EQ(paged, want) << c.params;
  }
}

TEST_F(SearchPaging, PostCursorVisitsEveryContactOnceInOrder) {
  std::vector<Rec> recs = PagingSet();
  Create(&recs);
  const Ids newest = Expected(recs, {});
  for (size_t per_page : {1, 3, 7, 25, 100}) {
    EXPECT_EQ(WalkPost("", per_page, 25), newest) << per_page;
  }
  const Ids by_name_ltv = Expected(recs, {{"name", false}, {"ltv", true}});
  const std::string sort =
      R"("sort":[{"field":"name"},{"field":"custom_attributes.ltv","order":"desc"}])";
  for (size_t per_page : {1, 4, 24}) {
    EXPECT_EQ(WalkPost(sort, per_page, 25), by_name_ltv) << per_page;
  }
  // A nested filter: (vip OR no ltv) AND a name.
  const std::string query = R"("query":{"operator":"AND","value":[
      {"operator":"OR","value":[
        {"field":"custom_attributes.vip","operator":"=","value":true},
        {"field":"custom_attributes.ltv","operator":"not_exists"}]},
      {"field":"name","operator":"exists"}]},"sort":{"field":"custom_attributes.ltv"})";
  const Ids filtered = Expected(
      recs, {{"ltv", false}}, [](const Rec& r) { return ((r.vip && *r.vip) || !r.ltv) && r.name; });
  ASSERT_GT(filtered.size(), 5u);
  EXPECT_EQ(WalkPost(query, 2, static_cast<int64_t>(filtered.size())), filtered);
}

TEST_F(SearchPaging, CursorContinuesWithAnotherPerPageAndAfterAnOffsetPage) {
  std::vector<Rec> recs = PagingSet();
  Create(&recs);
  const Ids want = Expected(recs, {{"name", false}});
  // per_page is not part of the query: a cursor may continue with another page size.
  HttpResult r = Search(R"({"sort":"name","per_page":4})");
  ASSERT_TRUE(IsSuccess(r));
  Json j(r.body);
  EXPECT_EQ(Exts(j["data"]), Slice(want, 0, 4));
  r = Search(R"({"sort":"name","per_page":15,"cursor":)" + Quote(j["next_cursor"].str()) + "}");
  ASSERT_TRUE(IsSuccess(r));
  j = Json(r.body);
  EXPECT_EQ(Exts(j["data"]), Slice(want, 4, 15));
  EXPECT_EQ(j["pages"].dump(), R"({"page":null,"per_page":15,"total_pages":2})");
  r = Search(R"({"sort":"name","per_page":15,"cursor":)" + Quote(j["next_cursor"].str()) + "}");
  j = Json(r.body);
  EXPECT_EQ(Exts(j["data"]), Slice(want, 19, 15));
  EXPECT_TRUE(j["next_cursor"].is_null()) << r.body;
  // The cursor of an offset page continues after that page.
  r = List("?sort=name&per_page=10&page=2");
  ASSERT_TRUE(IsSuccess(r));
  j = Json(r.body);
  EXPECT_EQ(Exts(j["data"]), Slice(want, 10, 10));
  ASSERT_TRUE(j["next_cursor"].is_string()) << r.body;
  r = List("?sort=name&per_page=10&cursor=" + PathEncode(j["next_cursor"].str()));
  ASSERT_TRUE(IsSuccess(r));
  j = Json(r.body);
  EXPECT_EQ(Exts(j["data"]), Slice(want, 20, 10));
  EXPECT_EQ(j["pages"].dump(), R"({"page":null,"per_page":10,"total_pages":3})");
  EXPECT_TRUE(j["next_cursor"].is_null());
  // The same cursor gives the same page again.
  r = List("?sort=name&per_page=10&page=2");
  HttpResult again = List("?sort=name&per_page=10&page=2");
  EXPECT_EQ(again.body, r.body);
}

TEST_F(SearchPaging, LastPageHasNoCursorEvenWhenFull) {
  std::vector<Rec> recs = PagingSet();
  recs.resize(20);
  Create(&recs);
  HttpResult r = List("?per_page=10&page=2");
  ASSERT_TRUE(IsSuccess(r));
  EXPECT_TRUE(Json(r.body)["next_cursor"].is_null()) << r.body;
  r = List("?per_page=10");
  ASSERT_TRUE(IsSuccess(r));
  const std::string cursor = Json(r.body)["next_cursor"].str();
  ASSERT_FALSE(cursor.empty()) << r.body;
  r = List("?per_page=10&cursor=" + PathEncode(cursor));
  ASSERT_TRUE(IsSuccess(r));
  Json j(r.body);
  EXPECT_EQ(j["data"].size(), 10u);
  EXPECT_TRUE(j["next_cursor"].is_null()) << r.body;
  // A query with no matches.
  EXPECT_EQ(
      List("?q=nothing-matches&per_page=10").body,
      R"({"message":"Success","data":[],"total":0,"pages":{"page":1,"per_page":10,"total_pages":0},"next_cursor":null})");
}

TEST_F(SearchPaging, OffsetPagesCountExactTotalsWithFilters) {
  std::vector<Rec> recs = PagingSet();
  Create(&recs);
  auto has_ltv = [](const Rec& r) { return r.ltv.has_value(); };
  const Ids want = Expected(recs, {}, has_ltv);
  ASSERT_EQ(want.size(), 16u);  // i % 3 != 0 for i < 25
  for (int page = 1; page <= 3; ++page) {
    HttpResult r = List("?filter%5Bcustom_attributes.ltv%5D%5Bexists%5D=true&per_page=10&page=" +
                        std::to_string(page));
    ASSERT_TRUE(IsSuccess(r));
    Json j(r.body);
    EXPECT_EQ(j["total"].i64(), 16);
    EXPECT_EQ(j["pages"].dump(),
              "{\"page\":" + std::to_string(page) + ",\"per_page\":10,\"total_pages\":2}");
    EXPECT_EQ(Exts(j["data"]), Slice(want, static_cast<size_t>(page - 1) * 10, 10));
    EXPECT_EQ(j["next_cursor"].is_null(), page != 1) << r.body;
  }
  // Totals of other filters.
  struct Case {
    std::string query;
    std::function<bool(const Rec&)> keep;
  };
  for (const Case& c : std::vector<Case>{
           {Qs({{"filter[name]", "christopher alpha"}}),
            [](const Rec& r) { return r.name && Lower(*r.name) == "christopher alpha"; }},
           {Qs({{"filter[custom_attributes.vip]", "false"}}),
            [](const Rec& r) { return r.vip && !*r.vip; }},
           {Qs({{"filter[custom_attributes.vip][ne]", "false"}}),
            [](const Rec& r) { return !(r.vip && !*r.vip); }},
           {Qs({{"filter[custom_attributes.ltv][gte]", "3"}, {"filter[name][exists]", "true"}}),
            [](const Rec& r) { return r.ltv && *r.ltv >= 3 && r.name; }},
           {Qs({{"filter[email][not_contains]", "x1"}}),
            [](const Rec& r) { return !r.email || r.email->find("x1") == std::string::npos; }},
       }) {
    const Ids expected = Expected(recs, {}, c.keep);
    HttpResult r = List(c.query + "&per_page=10");
    ASSERT_TRUE(IsSuccess(r)) << c.query;
    Json j(r.body);
    EXPECT_EQ(j["total"].i64(), static_cast<int64_t>(expected.size())) << c.query;
    EXPECT_EQ(Exts(j["data"]), Slice(expected, 0, 10)) << c.query;
    EXPECT_EQ(j["pages"]["total_pages"].i64(), static_cast<int64_t>((expected.size() + 9) / 10))
        << c.query;
  }
}

// A chatbot past the size at which the index builds its accelerators (n-grams, email domains,
// sort-column buckets): the same answers as a scan.
TEST_F(SearchPaging, LargeChatbotAnswersLikeASmallOne) {
  const char* pool[] = {"Alice Abbott", "Bob Zane",     "carla diaz", "Dmitri Ivanov",
                        "Eve Nakamura", "Frank OBrien", "Gus",        "HANNAH ZIMMER"};
  std::vector<Rec> recs;
  for (int i = 0; i < 5200; ++i) {
    Rec r;
    r.ext = "L" + std::to_string(i);
    if (i % 13 != 0) r.name = std::string(pool[(i * 7) % 8]) + " " + std::to_string(i % 50);
    if (i % 17 != 0) {
      r.email = i % 2 == 0 ? "user" + std::to_string(i) + "@acme.com"
                           : "u" + std::to_string(i) + "@mail" + std::to_string(i % 5) + ".example";
    }
    if (i % 3 == 0) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "+1 415 555 %04d", i);
      r.phone = buf;
    }
    if (i % 4 != 0) r.ltv = i % 97;
    r.vip = i % 10 != 0;
    recs.push_back(r);
  }
  Create(&recs, 1000);
  // Two with accents, created after the others.
  Json special = UpsertOk(R"({"external_id":"S1","name":"José Ñúñez"},
                             {"external_id":"S2","name":"ZOË QUÉBEC","email":"zq@acme.com"})");
  ASSERT_EQ(special.size(), 2u);

  // q, by substring of name, email and external id (all ASCII here), or phone digits.
  auto digits = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c >= '0' && c <= '9') out.push_back(c);
    }
    return out;
  };
  for (const std::string q : {"z", "ab", "zan", "acme", "me.c", "mail3", "l51", "4155550", "99"}) {
    const bool phone = q.find_first_not_of("0123456789") == std::string::npos;
    const Ids want = Expected(recs, {}, [&](const Rec& r) {
      auto has = [&](const std::optional<std::string>& f) {
        return f && Lower(*f).find(q) != std::string::npos;
      };
      return has(r.name) || has(r.email) || Lower(r.ext).find(q) != std::string::npos ||
             (phone && r.phone && digits(*r.phone).find(q) != std::string::npos);
    });
    Ids extra;  // S1 and S2, newest of all
    if (q == "z" || q == "acme" || q == "me.c") extra.push_back("S2");
    if (q == "z") extra.push_back("S1");
    Ids all = extra;
    all.insert(all.end(), want.begin(), want.end());
    HttpResult r = List("?per_page=1000&q=" + PathEncode(q));
    ASSERT_TRUE(IsSuccess(r)) << q;
    Json j(r.body);
    EXPECT_EQ(j["total"].i64(), static_cast<int64_t>(all.size())) << "q=" << q;
    EXPECT_EQ(Exts(j["data"]), Slice(all, 0, 1000)) << "q=" << q;
  }
  EXPECT_EQ(Found("?q=nunez"), (Ids{"S1"}));
  EXPECT_EQ(Found("?q=Qu%C3%A9bec"), (Ids{"S2"}));
  EXPECT_EQ(Found("?q=ZOE"), (Ids{"S2"}));

  // Cursor walks; S1 and S2 have no ltv or vip, and S1 no email.
  recs.push_back({"S1", ContactNumber(special[0]["id"].str()), special[0]["created_at"].i64(),
                  "José Ñúñez", std::nullopt, std::nullopt, std::nullopt, std::nullopt});
  recs.push_back({"S2", ContactNumber(special[1]["id"].str()), special[1]["created_at"].i64(),
                  "zoe quebec", "zq@acme.com", std::nullopt, std::nullopt, std::nullopt});
  const int64_t total = static_cast<int64_t>(recs.size());
  EXPECT_EQ(WalkGet("", 1000, total), Expected(recs, {}));
  EXPECT_EQ(WalkGet("sort=-custom_attributes.vip", 1000, total), Expected(recs, {{"vip", true}}));
  EXPECT_EQ(WalkGet("sort=custom_attributes.vip,-id", 1000, total),
            Expected(recs, {{"vip", false}, {"id", true}}));
  EXPECT_EQ(WalkPost(R"("sort":[{"field":"custom_attributes.ltv"},"email"])", 700, total),
            Expected(recs, {{"ltv", false}, {"email", false}}));
  // Offset pages.
  const Ids by_vip_desc = Expected(recs, {{"vip", true}, {"ltv", true}});
  for (int page : {1, 4, 6}) {
    HttpResult r = List(
        "?sort=custom_attributes.vip,custom_attributes.ltv&order=desc&per_page=1000"
        "&page=" +
        std::to_string(page));
    ASSERT_TRUE(IsSuccess(r));
    EXPECT_EQ(Exts(Json(r.body)["data"]), Slice(by_vip_desc, (page - 1) * 1000u, 1000))
        << "page " << page;
  }
  // A filter over many rows, walked.
  const Ids vip_by_ltv =
      Expected(recs, {{"ltv", false}}, [](const Rec& r) { return r.vip && *r.vip; });
  EXPECT_EQ(WalkGet("filter%5Bcustom_attributes.vip%5D=true&sort=custom_attributes.ltv", 1000,
                    static_cast<int64_t>(vip_by_ltv.size())),
            vip_by_ltv);
}

}  // namespace
}  // namespace contactd::testing
