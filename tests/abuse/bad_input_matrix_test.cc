// Bad-input matrix (issue 5): every endpoint that takes input (bodies, path parameters, query
// strings) x {malformed JSON, empty body, non-object body, wrong types for each field, nulls,
// huge strings (1 MB), deep nesting (10,000 levels), invalid UTF-8 in keys and values, duplicate
// keys, control characters, 1001 items, duplicate external_ids in one batch}.
//
// Each cell must answer exactly the expected 4xx with a clear message (the error body shape, a
// non-empty message, and an `issues` entry naming the field where one field is at fault), never a
// 5xx, and nothing may be written: the server's whole visible state (workspaces, chatbots, keys,
// the chatbot's contacts and attributes) is byte-identical before and after each cell.
//
// Expected answers follow the contract: 400 for bodies and query strings ("Invalid request data"
// with issues, or a sentence for bodies that are not JSON), 404 "Resource not found" for a path
// parameter naming nothing that can exist, 400 for malformed percent-encoding, 431 for a header
// block over --max-header. Fields that accept null (name, email, phonenumber, stripe_accounts,
// custom_attributes, label, description, chatbot_id) are not in the null column: null is valid
// there. An empty body is a valid search (it lists), so search has no empty-body cell.
#include <functional>
#include <iostream>
#include <map>
#include <optional>

#include "tests/integration/it_helpers.h"

namespace contactd::testing {
namespace {

constexpr const char* kBot = "bot";
constexpr const char* kInvalid = "Invalid request data";
constexpr const char* kNotJson = "Request body is not valid JSON: ";  // a prefix
constexpr const char* kEmpty = "Request body is empty; expected a JSON object";

struct Cell {
  std::string what;  // the column, for failure messages
  std::string method, target, body;
  int status = 400;
  std::string message;  // exact, or a prefix when prefix_only
  bool prefix_only = false;
  std::string field;  // an issue must name it (nullopt: no issue required)
  bool field_required = false;
};

// True when the issue `field` is `expected` or lies inside it ("sort.field" is inside "sort").
bool Within(const std::string& field, const std::string& expected) {
  if (field.rfind(expected, 0) != 0) return false;
  if (expected.empty()) return field.empty();
  return field.size() == expected.size() || field[expected.size()] == '.' ||
         field[expected.size()] == '[';
}

Cell BodyCell(std::string what, std::string method, std::string target, std::string body,
              std::string message, std::optional<std::string> field = std::nullopt) {
  Cell c;
  c.what = std::move(what);
  c.method = std::move(method);
  c.target = std::move(target);
  c.body = std::move(body);
  c.message = std::move(message);
  c.prefix_only = c.message == kNotJson;
  if (field) {
    c.field = *field;
    c.field_required = true;
  }
  return c;
}

// A field of a JSON body: its name, the path issues give it, a valid value and what it accepts.
struct Field {
  std::string name;
  std::string path;
  std::string valid;    // JSON
  std::string accepts;  // letters: s string, n number, b boolean, a array, o object, z null
};

// One endpoint with a JSON body: the body is wrap(members).
struct Endpoint {
  std::string method, target;
  std::vector<Field> fields;
  std::function<std::string(const std::string& members)> wrap;
  bool empty_body_is_valid = false;
};

std::string Members(const std::vector<Field>& fields, const std::string& name,
                    const std::string& replacement) {
  std::string out;
  for (const Field& f : fields) {
    if (!out.empty()) out += ',';
    out += Quote(f.name) + ":" + (f.name == name ? replacement : f.valid);
  }
  return out;
}

std::vector<Endpoint> Endpoints() {
  auto plain = [](const std::string& m) { return "{" + m + "}"; };
  auto users = [](const std::string& m) { return "{\"users\":[{" + m + "}]}"; };
  const std::vector<Field> contact = {
      {"external_id", "external_id", R"("fresh")", "s"},
      {"name", "name", R"("N")", "sz"},
      {"email", "email", R"("n@example.com")", "sz"},
      {"phonenumber", "phonenumber", R"("+1 415 555 0100")", "sz"},
      {"stripe_accounts", "stripe_accounts", R"([{"label":"m","stripe_id":"cus_1"}])", "az"},
      {"custom_attributes", "custom_attributes", R"({"plan":"pro","ltv":5})", "oz"},
  };
  std::vector<Field> upsert_fields = contact;
  for (Field& f : upsert_fields) f.path = "users[0]." + f.path;
  std::vector<Field> patch_fields(contact.begin() + 1, contact.end());
  return {
      {"POST",
       "/api/v1/workspaces",
       {{"id", "id", R"("ws_x")", "s"}, {"name", "name", R"("W")", "s"}},
       plain},
      {"POST",
       "/api/v1/chatbots",
       {{"id", "id", R"("bot_x")", "s"}, {"name", "name", R"("B")", "s"}},
       plain},
      {"POST",
       "/api/v1/apikeys",
       {{"name", "name", R"("k")", "s"},
        {"role", "role", R"("member")", "s"},
        {"chatbot_id", "chatbot_id", R"("bot")", "sz"}},
       plain},
      {"POST", ContactsPath(kBot), upsert_fields, users},
      {"PATCH", ContactPath(kBot, "c1"), patch_fields, plain},
      {"POST",
       ContactsPath(kBot) + "/search",
       {{"query", "query", R"({"field":"name","operator":"=","value":"x"})", "o"},
        {"q", "q", R"("x")", "s"},
        {"sort", "sort", R"([{"field":"name","order":"asc"}])", "sao"},
        {"per_page", "per_page", "10", "n"},
        {"page", "page", "1", "n"}},
       plain,
       true},
      {"POST",
       AttributesPath(kBot),
       {{"name", "name", R"("fresh_attr")", "s"},
        {"type", "type", R"("text")", "s"},
        {"label", "label", R"("L")", "sz"},
        {"description", "description", R"("D")", "sz"},
        {"archived", "archived", "false", "b"}},
       plain},
      {"PUT",
       AttributesPath(kBot) + "/plan",
       {{"label", "label", R"("L")", "sz"},
        {"description", "description", R"("D")", "sz"},
        {"archived", "archived", "true", "b"}},
       plain},
  };
}

// A value of every JSON type, keyed by the letter of Field::accepts.
const std::map<char, std::string>& Samples() {
  static const std::map<char, std::string> kSamples = {{'s', R"("text")"},  {'n', "42"},
                                                       {'b', "true"},       {'a', "[1]"},
                                                       {'o', R"({"k":1})"}, {'z', "null"}};
  return kSamples;
}

std::string Nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::vector<Cell> BodyCells() {
  std::vector<Cell> cells;
  const std::string huge(1 << 20, 'h');
  for (const Endpoint& e : Endpoints()) {
    const std::string valid = e.wrap(Members(e.fields, "", ""));
    auto add = [&](std::string what, std::string body, std::string message,
                   std::optional<std::string> field = std::nullopt) {
      cells.push_back(BodyCell(std::move(what), e.method, e.target, std::move(body),
                               std::move(message), std::move(field)));
    };
    // Bodies that are not JSON, or not one object.
    for (const std::string& bad :
         {std::string("{"), std::string("{\"name\":}"), std::string("{\"name\":\"x\",}"),
          std::string("{'name':'x'}"), valid + " x", valid + "{}", std::string("{\"a\":NaN}")}) {
      add("malformed JSON", bad, kNotJson);
    }
    if (!e.empty_body_is_valid) {
      add("empty body", "", kEmpty);
      add("blank body", " \r\n\t ", kEmpty);
    }
    for (const char* bad : {"[]", "1", "\"s\"", "null", "true", "[{}]"}) {
      add("non-object body", bad, kInvalid, "");
    }
    add("deep nesting", Nested(10000), kNotJson);
    add("invalid UTF-8 in a key", "{\"\xff\xfe\":1}", kNotJson);
    add("truncated UTF-8", "{\"name\":\"\xc3\"}", kNotJson);
    add("lone surrogate", R"({"name":"\ud800"})", kNotJson);
    add("unknown field", e.wrap(Members(e.fields, "", "") + ",\"zzz\":1"), kInvalid,
        e.fields[0].path.substr(0, e.fields[0].path.size() - e.fields[0].name.size()) + "zzz");
    for (const Field& f : e.fields) {
      auto with = [&](const std::string& v) { return e.wrap(Members(e.fields, f.name, v)); };
      for (const auto& [type, sample] : Samples()) {
        if (f.accepts.find(type) != std::string::npos) continue;
        add(type == 'z' ? "null" : "wrong type", with(sample), kInvalid, f.path);
      }
      add("deep nesting", with(Nested(10000)), kNotJson);
      add("invalid UTF-8 in a value", with("\"a\xff\""), kNotJson);
      add("duplicate key", e.wrap(Members(e.fields, "", "") + "," + Quote(f.name) + ":" + f.valid),
          kInvalid, f.path);
      if (f.accepts.find('s') == std::string::npos) continue;
      add("huge string (1 MB)", with(Quote(huge)), kInvalid, f.path);
      add("control character", with(R"("a\u0001b")"), kInvalid, f.path);
      add("NUL character", with(R"("a\u0000b")"), kInvalid, f.path);
      add("escape character", with(R"("a\u001bb")"), kInvalid, f.path);
    }
  }
  return cells;
}

std::string Items(size_t n, const std::function<std::string(size_t)>& item) {
  std::string out = "{\"users\":[";
  for (size_t i = 0; i < n; ++i) out += (i ? "," : "") + item(i);
  return out + "]}";
}

// Cells of the upsert's batch rules and of values inside objects.
std::vector<Cell> BatchCells() {
  const std::string path = ContactsPath(kBot);
  auto cell = [&](std::string what, std::string body, std::string message,
                  std::optional<std::string> field = std::nullopt) {
    return BodyCell(std::move(what), "POST", path, std::move(body), std::move(message),
                    std::move(field));
  };
  auto numbered = [](size_t i) { return "{\"external_id\":\"n" + std::to_string(i) + "\"}"; };
  const std::string huge(1 << 20, 'h');
  return {
      cell("1001 items", Items(1001, numbered), "Maximum 1000 contacts per request"),
      cell("1001 invalid items", Items(1001, [](size_t) { return std::string("5"); }),
           "Maximum 1000 contacts per request"),
      cell("empty batch", R"({"users":[]})", kInvalid),
      cell("no batch", "{}", kInvalid, "users"),
      cell("both arrays", R"({"users":[{}],"contacts":[{}]})", kInvalid, "contacts"),
      cell("duplicate external_ids",
           Items(3,
                 [](size_t i) {
                   return std::string(i == 2 ? R"({"external_id":"dup","name":"x"})"
                                             : R"({"external_id":"dup"})");
                 }),
           kInvalid, "users[1].external_id"),
      cell("duplicate external_ids (1000 items)",
           Items(1000,
                 [](size_t i) {
                   return "{\"external_id\":\"d" + std::to_string(i == 999 ? 0 : i) + "\"}";
                 }),
           kInvalid, "users[999].external_id"),
      cell("one bad item of 1000",
           Items(1000,
                 [](size_t i) {
                   return i == 500 ? std::string(R"({"external_id":"x","email":"nope"})")
                                   : "{\"external_id\":\"ok" + std::to_string(i) + "\"}";
                 }),
           kInvalid, "users[500].email"),
      cell("unknown attribute", R"({"users":[{"custom_attributes":{"nope":1}}]})", kInvalid,
           "users[0].custom_attributes.nope"),
      cell("attribute wrong type", R"({"users":[{"custom_attributes":{"ltv":"x"}}]})", kInvalid,
           "users[0].custom_attributes.ltv"),
      cell("attribute not a boolean", R"({"users":[{"custom_attributes":{"vip":"maybe"}}]})",
           kInvalid, "users[0].custom_attributes.vip"),
      cell("attribute bad date", R"({"users":[{"custom_attributes":{"since":"2026-13-45"}}]})",
           kInvalid, "users[0].custom_attributes.since"),
      cell("attribute huge text",
           "{\"users\":[{\"custom_attributes\":{\"plan\":" + Quote(huge) + "}}]}", kInvalid,
           "users[0].custom_attributes.plan"),
      cell("attribute control character", R"({"users":[{"custom_attributes":{"plan":"a\u0007"}}]})",
           kInvalid, "users[0].custom_attributes.plan"),
      cell("attribute nested object", R"({"users":[{"custom_attributes":{"plan":{"a":1}}}]})",
           kInvalid, "users[0].custom_attributes.plan"),
      cell("attribute integer beyond int64",
           R"({"users":[{"custom_attributes":{"ltv":9223372036854775808}}]})", kInvalid,
           "users[0].custom_attributes.ltv"),
      // simdjson refuses integers beyond 64 bits while parsing: no field can be named.
      cell("attribute integer beyond 64 bits",
           R"({"users":[{"custom_attributes":{"ltv":18446744073709551616}}]})", kNotJson),
      cell("attribute duplicate key",
           R"({"users":[{"custom_attributes":{"plan":"a","plan":"b"}}]})", kInvalid,
           "users[0].custom_attributes.plan"),
      cell("stripe item not an object", R"({"users":[{"stripe_accounts":[1]}]})", kInvalid,
           "users[0].stripe_accounts[0]"),
      cell("stripe label huge",
           "{\"users\":[{\"stripe_accounts\":[{\"label\":" + Quote(huge) +
               ",\"stripe_id\":\"c\"}]}]}",
           kInvalid, "users[0].stripe_accounts[0].label"),
      cell("stripe 51 accounts",
           Items(1,
                 [](size_t) {
                   std::string a = "{\"stripe_accounts\":[";
                   for (int i = 0; i < 51; ++i) {
                     a += std::string(i ? "," : "") + R"({"label":"l","stripe_id":"c"})";
                   }
                   return a + "]}";
                 }),
           kInvalid, "users[0].stripe_accounts"),
      cell("invalid email", R"({"users":[{"email":"not-an-email"}]})", kInvalid, "users[0].email"),
      cell("invalid phone", R"({"users":[{"phonenumber":"12"}]})", kInvalid,
           "users[0].phonenumber"),
      cell("empty external_id", R"({"users":[{"external_id":""}]})", kInvalid,
           "users[0].external_id"),
      cell("null external_id", R"({"users":[{"external_id":null}]})", kInvalid,
           "users[0].external_id"),
      // Search limits.
      BodyCell(
          "search: 1001 IN values", "POST", path + "/search",
          "{\"query\":{\"field\":\"name\",\"operator\":\"IN\",\"value\":[" +
              [] {
                std::string v;
                for (int i = 0; i < 1001; ++i) v += std::string(i ? "," : "") + "\"v\"";
                return v;
              }() +
              "]}}",
          kInvalid, "query.value"),
      BodyCell(
          "search: 9 levels", "POST", path + "/search",
          [] {
            std::string q = R"({"field":"name","operator":"=","value":"x"})";
            for (int i = 0; i < 9; ++i) q = R"({"operator":"AND","value":[)" + q + "]}";
            return "{\"query\":" + q + "}";
          }(),
          kInvalid),
      BodyCell("search: unknown operator", "POST", path + "/search",
               R"({"query":{"field":"name","operator":"LIKE","value":"x"}})", kInvalid,
               "query.operator"),
      BodyCell("search: huge field name", "POST", path + "/search",
               "{\"query\":{\"field\":" + Quote(huge) + ",\"operator\":\"=\",\"value\":\"x\"}}",
               kInvalid, "query.field"),
      BodyCell("search: huge operand", "POST", path + "/search",
               "{\"query\":{\"field\":\"name\",\"operator\":\"=\",\"value\":" + Quote(huge) + "}}",
               kInvalid, "query.value"),
      BodyCell("search: garbage cursor", "POST", path + "/search", R"({"cursor":"garbage"})",
               kInvalid, "cursor"),
  };
}

Cell QueryCell(std::string what, std::string query, std::optional<std::string> field,
               std::string message = kInvalid) {
  return BodyCell(std::move(what), "GET", ContactsPath(kBot) + "?" + query, "", std::move(message),
                  std::move(field));
}

std::vector<Cell> QueryCells() {
  const std::string long_q(300, 'q');
  return {
      QueryCell("page 0", "page=0", "page"),
      QueryCell("page text", "page=abc", "page"),
      QueryCell("page negative", "page=-1", "page"),
      QueryCell("per_page text", "per_page=x", "per_page"),
      QueryCell("per_page negative", "per_page=-5", "per_page"),
      QueryCell("q too long", "q=" + long_q, "q"),
      QueryCell("q control character", "q=a%01b", "q"),
      QueryCell("q invalid UTF-8", "q=%FF", "q"),
      QueryCell("sort unknown", "sort=nope", "sort"),
      QueryCell("sort invalid UTF-8", "sort=%FF%FE", "sort"),
      QueryCell("order", "order=sideways", "order"),
      QueryCell("cursor garbage", "cursor=garbage", "cursor"),
      QueryCell("filter unknown field", "filter[nope]=1", "filter[nope]"),
      QueryCell("filter unknown operator", "filter[name][bogus]=1", "filter[name][bogus]"),
      QueryCell("filter wrong type", "filter[custom_attributes.ltv][gt]=abc",
                "filter[custom_attributes.ltv][gt]"),
      QueryCell("filter exists", "filter[name][exists]=maybe", "filter[name][exists]"),
      QueryCell("filter value invalid UTF-8", "filter[name]=%C3", "filter[name]"),
      QueryCell("filter field invalid UTF-8", "filter[%FF]=1", "filter[\xEF\xBF\xBD]"),
      QueryCell("parameter name invalid UTF-8", "%FF%FE=1", "\xEF\xBF\xBD\xEF\xBF\xBD"),
      QueryCell("unknown parameter", "zzz=1", "zzz"),
      QueryCell("malformed percent-encoding", "q=%ZZ", std::nullopt,
                "Malformed percent-encoding in the query"),
      QueryCell("truncated percent-encoding", "q=%4", std::nullopt,
                "Malformed percent-encoding in the query"),
  };
}

// Path parameters naming nothing that can exist: 404, or 400 when not even percent-encoded well.
std::vector<Cell> PathCells() {
  struct Route {
    std::string method, prefix, suffix, body;
  };
  const std::vector<Route> routes = {
      {"GET", ContactsPath(kBot) + "/", "", ""},
      {"PATCH", ContactsPath(kBot) + "/", "", R"({"name":"x"})"},
      {"DELETE", ContactsPath(kBot) + "/", "", ""},
      {"GET", "/api/v1/chatbots/", "", ""},
      {"DELETE", "/api/v1/chatbots/", "", ""},
      {"GET", "/api/v1/chatbots/", "/contacts", ""},
      {"POST", "/api/v1/chatbots/", "/contacts", R"({"users":[{"external_id":"x"}]})"},
      {"POST", "/api/v1/chatbots/", "/contacts/search", "{}"},
      {"GET", "/api/v1/chatbots/", "/custom-attributes", ""},
      {"POST", "/api/v1/chatbots/", "/custom-attributes", R"({"name":"x"})"},
      {"PUT", AttributesPath(kBot) + "/", "", R"({"label":"x"})"},
      {"DELETE", "/api/v1/apikeys/", "", ""},
      {"DELETE", "/api/v1/workspaces/", "", ""},
  };
  const std::vector<std::pair<std::string, std::string>> params = {
      {"invalid UTF-8", "%FF%FE"},
      {"truncated UTF-8", "a%C3"},
      {"control character", "a%01b"},
      {"NUL", "a%00b"},
      {"huge (10 KB)", std::string(10000, 'p')},
      {"dot segment", ".."},
  };
  std::vector<Cell> cells;
  for (const Route& r : routes) {
    for (const auto& [what, param] : params) {
      cells.push_back(BodyCell("path " + what, r.method, r.prefix + param + r.suffix, r.body,
                               "Resource not found"));
      cells.back().status = 404;
    }
    cells.push_back(BodyCell("path malformed percent-encoding", r.method,
                             r.prefix + "a%ZZ" + r.suffix, r.body,
                             "Malformed percent-encoding in the path"));
  }
  // A header block over --max-header (16 KiB): 431.
  cells.push_back(BodyCell("path over the header limit", "GET",
                           ContactsPath(kBot) + "/" + std::string(20000, 'p'), "", ""));
  cells.back().status = 431;
  return cells;
}

class BadInputMatrix : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = StartServer();
    if (!server_) return;
    op_ = std::make_unique<Client>(server_->process.port(), server_->process.operator_key());
    EXPECT_TRUE(IsSuccess(op_->Post("/api/v1/chatbots", R"({"id":"bot","name":"Bot"})")));
    for (const auto& [name, type] : std::vector<std::pair<std::string, std::string>>{
             {"plan", "text"}, {"ltv", "number"}, {"vip", "boolean"}, {"since", "date"}}) {
      DefineAttribute(*op_, kBot, name, type);
    }
    EXPECT_TRUE(IsSuccess(op_->Post(
        ContactsPath(kBot),
        R"({"users":[{"external_id":"c1","name":"One","email":"one@example.com",)"
        R"("custom_attributes":{"plan":"pro","ltv":5,"vip":true,"since":"2026-01-02"}},)"
        R"({"external_id":"c2","stripe_accounts":[{"label":"m","stripe_id":"cus_1"}]}]})")));
  }
  static void TearDownTestSuite() {
    op_.reset();
    server_.reset();
  }
  void SetUp() override { ASSERT_NE(server_, nullptr); }

  // Everything the operator can see.
  static std::string State() {
    return op_->Get("/api/v1/workspaces").body + "\n" + op_->Get("/api/v1/chatbots").body + "\n" +
           op_->Get("/api/v1/apikeys").body + "\n" + ChatbotStateOf(kBot);
  }
  static std::string ChatbotStateOf(const std::string& bot) {
    return op_->Get(ContactsPath(bot) + "?per_page=1000").body + "\n" +
           op_->Get(AttributesPath(bot)).body;
  }

  // Runs the cells; returns how many ran.
  static int Run(const std::vector<Cell>& cells) {
    std::string before = State();
    int n = 0;
    for (const Cell& c : cells) {
      HttpResult r = op_->Send(c.method, c.target, c.body, {{"Content-Type", "application/json"}});
      SCOPED_TRACE(c.what + ": " + c.method + " " + c.target.substr(0, 200) + " " +
                   c.body.substr(0, 200) + " -> " + Describe(r).substr(0, 600));
      EXPECT_LT(r.status, 500);
      EXPECT_EQ(r.status, c.status);
      Json j(r.body);
      const std::string message = j["message"].str();
      EXPECT_FALSE(message.empty());
      if (!c.message.empty()) {
        if (c.prefix_only) {
          EXPECT_EQ(message.rfind(c.message, 0), 0u);
          EXPECT_GT(message.size(), c.message.size()) << "no reason given";
        } else {
          EXPECT_EQ(message, c.message);
        }
      }
      const std::vector<std::string> keys = j.keys();
      EXPECT_TRUE(!keys.empty() && keys[0] == "message" &&
                  (keys.size() == 1 || (keys.size() == 2 && keys[1] == "issues")));
      bool named = false;
      for (const auto& [field, why] : Issues(r)) {
        EXPECT_FALSE(why.empty()) << field;
        named = named || Within(field, c.field);
      }
      if (c.field_required) {
        EXPECT_TRUE(named) << "no issue names \"" << c.field << "\"";
      }
      if (c.method != "GET") {
        const std::string after = State();
        EXPECT_EQ(after, before) << "written";
        before = after;
      }
      ++n;
    }
    return n;
  }

  static inline std::unique_ptr<TestServer> server_;
  static inline std::unique_ptr<Client> op_;
};

TEST_F(BadInputMatrix, Bodies) {
  const int n = Run(BodyCells());
  std::cout << "bad-input matrix, bodies: " << n << " cells" << std::endl;
}

TEST_F(BadInputMatrix, BatchesAndValues) {
  const int n = Run(BatchCells());
  std::cout << "bad-input matrix, batches and values: " << n << " cells" << std::endl;
}

TEST_F(BadInputMatrix, QueryStrings) {
  const int n = Run(QueryCells());
  std::cout << "bad-input matrix, query strings: " << n << " cells" << std::endl;
}

TEST_F(BadInputMatrix, PathParameters) {
  const int n = Run(PathCells());
  std::cout << "bad-input matrix, path parameters: " << n << " cells" << std::endl;
}

// The answers are valid UTF-8 JSON even when the input was not: a byte of the request never
// reaches a response unchecked.
TEST_F(BadInputMatrix, ErrorBodiesAreValidJson) {
  for (const char* query : {"%FF=1", "filter[%FF]=1", "sort=%FF", "filter[%FF][eq]=1", "order=%FF",
                            "filter[name][%FF]=1"}) {
    HttpResult r = op_->Get(ContactsPath(kBot) + "?" + std::string(query));
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_TRUE(Json(r.body).valid()) << query << " -> " << r.body;
  }
}

}  // namespace
}  // namespace contactd::testing
