// Tenant isolation matrix (issue 5): every route of the route table x {own chatbot, sibling
// chatbot, other workspace, nonexistent} x {W1 admin, W1 member, key scoped to A, revoked key, no
// key}. Each cell gets exactly the status and body the contract gives (401 "Unauthorized access",
// 403 "Forbidden" for a role below the route's, 404 "Resource not found" for a chatbot or key the
// caller cannot see, never 403), and no response holds another tenant's marker strings
// (tenants.h). The mutating cells must leave other tenants' data byte-identical.
//
// The rows are checked against Api::Routes(): a route added without a row fails the test.
//
// "Target" per route: the chatbot in the path (contacts, attributes, GET/DELETE chatbot), the
// chatbot_id in the body (POST /apikeys), the key in the path (DELETE /apikeys/{id}: a W1 key, a
// W1 key scoped to B, a W2 key, none), the workspace in the path (DELETE /workspaces/{id}: W1, the
// operator's, W2, none). Routes with no such parameter have one cell per key. Cells that would
// destroy A or B (DELETE chatbot, DELETE contact, DELETE key) act on disposable resources made
// before the matrix runs.
#include <functional>
#include <iostream>
#include <set>

#include "net/api.h"
#include "tests/abuse/tenants.h"

namespace contactd::testing {
namespace {

enum class KeyKind { kNone, kRevoked, kScoped, kMember, kAdmin };
enum class Target { kOwn, kSibling, kOther, kMissing, kNotApplicable };
enum class Param { kNone, kChatbot, kBodyChatbot, kApiKey, kWorkspace };
enum class Needs { kPublic, kMember, kAdmin, kOperator };

const char* Name(KeyKind k) {
  static const char* kNames[] = {"no key", "revoked", "scoped to A", "W1 member", "W1 admin"};
  return kNames[static_cast<int>(k)];
}
const char* Name(Target t) {
  static const char* kNames[] = {"own", "sibling", "other workspace", "nonexistent", "-"};
  return kNames[static_cast<int>(t)];
}

struct Request {
  std::string method, path, body;
};

struct Row {
  std::string method, pattern;
  Needs needs;
  Param param;
  // Makes a disposable resource for a cell before the matrix runs ("" when not needed).
  std::function<std::string(Target, int cell)> prepare;
  std::function<Request(const std::string& target, const std::string& prepared, int cell)> build;
  // Extra checks of a 200 body (the target id and the prepared resource as in build).
  std::function<void(const Json& data, const std::string& target, const std::string& prepared)>
      check_ok;
};

class IsolationMatrix : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = StartServer();
    if (!server_) return;
    op_ = std::make_unique<Client>(server_->process.port(), server_->process.operator_key());
    tenants_ = std::make_unique<Tenants>();
    tenants_->Create(server_->process.port(), *op_);
  }
  static void TearDownTestSuite() {
    tenants_.reset();
    op_.reset();
    server_.reset();
  }
  void SetUp() override { ASSERT_NE(server_, nullptr); }

  static Client& ClientFor(KeyKind k) {
    switch (k) {
      case KeyKind::kNone:
        return *tenants_->no_key;
      case KeyKind::kRevoked:
        return *tenants_->revoked;
      case KeyKind::kScoped:
        return *tenants_->scoped_a;
      case KeyKind::kMember:
        return *tenants_->w1_member;
      case KeyKind::kAdmin:
        break;
    }
    return *tenants_->w1_admin;
  }

  // Lower-cased strings that must not occur in any response to `k`.
  static std::vector<std::string> Forbidden(KeyKind k) {
    std::vector<std::string> out = {"zq-c", "zq-w2"};
    for (const std::string& s : tenants_->w2_secrets) out.push_back(Lower(s));
    for (const std::string& s : tenants_->operator_secrets) out.push_back(Lower(s));
    if (k != KeyKind::kMember && k != KeyKind::kAdmin) out.push_back("zq-b");
    if (k == KeyKind::kNone || k == KeyKind::kRevoked) {
      out.push_back("zq-a");
      out.push_back("zq-w1");
    }
    return out;
  }

  // Everything W2 owns, and B and W1's key and chatbot lists, as W2's and W1's admins see them.
  static std::string W2State() {
    Client& w2 = *tenants_->w2_admin;
    return ChatbotState(w2, Tenants::kC) + "\n" + w2.Get("/api/v1/chatbots").body + "\n" +
           w2.Get("/api/v1/apikeys").body;
  }
  static std::string W1SharedState() {
    Client& w1 = *tenants_->w1_admin;
    return ChatbotState(w1, Tenants::kB) + "\n" + w1.Get("/api/v1/chatbots").body + "\n" +
           w1.Get("/api/v1/apikeys").body;
  }

  static std::vector<Row> Rows();

  static inline std::unique_ptr<TestServer> server_;
  static inline std::unique_ptr<Client> op_;
  static inline std::unique_ptr<Tenants> tenants_;
};

std::string ChatbotFor(Target t) {
  switch (t) {
    case Target::kOwn:
      return Tenants::kA;
    case Target::kSibling:
      return Tenants::kB;
    case Target::kOther:
      return Tenants::kC;
    default:
      return Tenants::kMissing;
  }
}

std::vector<Row> IsolationMatrix::Rows() {
  const std::string v1 = "/api/v1";
  const std::string contacts = v1 + "/chatbots/{chatbot}/contacts";
  const std::string attributes = v1 + "/chatbots/{chatbot}/custom-attributes";
  auto none = [](Target, int) { return std::string(); };
  auto no_check = [](const Json&, const std::string&, const std::string&) {};
  auto marker_of = [](const std::string& bot) { return bot.substr(0, 4); };  // "zq-A"
  // A disposable contact in the target chatbot, made by its owner.
  auto disposable_contact = [](Target t, int cell) -> std::string {
    if (t == Target::kMissing) return "del_" + std::to_string(cell);
    const std::string bot = ChatbotFor(t), id = "del_" + std::to_string(cell);
    EXPECT_TRUE(IsSuccess(tenants_->OwnerOf(bot).Post(
        ContactsPath(bot), "{\"users\":[{\"external_id\":\"" + id + "\"}]}")));
    return id;
  };
  std::vector<Row> rows = {
      {"GET", "/healthz", Needs::kPublic, Param::kNone, none,
       [](auto&, auto&, int) {
         return Request{"GET", "/healthz", ""};
       },
       [](const Json& d, auto&, auto&) { EXPECT_EQ(d.str(), "ok"); }},
      // The dashboard's static files (net/admin_assets.h): public, the same for every key.
      {"GET", "/admin", Needs::kPublic, Param::kNone, none,
       [](auto&, auto&, int) {
         return Request{"GET", "/admin", ""};
       },
       no_check},
      {"GET", "/admin/", Needs::kPublic, Param::kNone, none,
       [](auto&, auto&, int) {
         return Request{"GET", "/admin/", ""};
       },
       no_check},
      {"GET", "/admin/{file}", Needs::kPublic, Param::kNone, none,
       [](auto&, auto&, int) {
         return Request{"GET", "/admin/app.js", ""};
       },
       no_check},
      {"POST", v1 + "/workspaces", Needs::kOperator, Param::kNone, none,
       [v1](auto&, auto&, int) {
         return Request{"POST", v1 + "/workspaces", R"({"name":"zq-W1 attempt"})"};
       },
       no_check},
      {"GET", v1 + "/workspaces", Needs::kOperator, Param::kNone, none,
       [v1](auto&, auto&, int) {
         return Request{"GET", v1 + "/workspaces", ""};
       },
       no_check},
      {"DELETE", v1 + "/workspaces/{id}", Needs::kOperator, Param::kWorkspace, none,
       [v1](const std::string& ws, auto&, int) {
         return Request{"DELETE", v1 + "/workspaces/" + ws, ""};
       },
       no_check},
      {"POST", v1 + "/admin/erase", Needs::kOperator, Param::kNone, none,
       [v1](auto&, auto&, int) {
         return Request{"POST", v1 + "/admin/erase", ""};
       },
       no_check},
      {"POST", v1 + "/chatbots", Needs::kAdmin, Param::kNone, none,
       [v1](auto&, auto&, int) {
         return Request{"POST", v1 + "/chatbots", R"({"name":"zq-W1 new bot"})"};
       },
       [](const Json& d, auto&, auto&) { EXPECT_FALSE(d["id"].str().empty()); }},
      {"GET", v1 + "/chatbots", Needs::kMember, Param::kNone, none,
       [v1](auto&, auto&, int) {
         return Request{"GET", v1 + "/chatbots", ""};
       },
       [](const Json& d, auto&, auto&) {
         std::set<std::string> ids;
         for (size_t i = 0; i < d.size(); ++i) ids.insert(d[i]["id"].str());
         EXPECT_TRUE(ids.count(Tenants::kA)) << d.dump();
       }},
      {"GET", v1 + "/chatbots/{id}", Needs::kMember, Param::kChatbot, none,
       [v1](const std::string& bot, auto&, int) {
         return Request{"GET", v1 + "/chatbots/" + bot, ""};
       },
       [](const Json& d, const std::string& bot, auto&) { EXPECT_EQ(d["id"].str(), bot); }},
      // Sets default_country to null, which it already is: the chatbot does not change.
      {"PATCH", v1 + "/chatbots/{id}", Needs::kAdmin, Param::kChatbot, none,
       [v1](const std::string& bot, auto&, int) {
         return Request{"PATCH", v1 + "/chatbots/" + bot, R"({"default_country":null})"};
       },
       [](const Json& d, const std::string& bot, auto&) { EXPECT_EQ(d["id"].str(), bot); }},
      {"DELETE", v1 + "/chatbots/{id}", Needs::kAdmin, Param::kChatbot,
       // Own and sibling: disposable W1 chatbots (A and B must survive the matrix).
       [](Target t, int cell) -> std::string {
         if (t != Target::kOwn && t != Target::kSibling) return "";
         const std::string id =
             std::string(t == Target::kOwn ? "zq-A" : "zq-B") + "_del_" + std::to_string(cell);
         EXPECT_TRUE(IsSuccess(tenants_->w1_admin->Post(
             "/api/v1/chatbots", "{\"id\":" + Quote(id) + ",\"name\":\"disposable\"}")));
         return id;
       },
       [v1](const std::string& bot, const std::string& prepared, int) {
         return Request{"DELETE", v1 + "/chatbots/" + (prepared.empty() ? bot : prepared), ""};
       },
       [](const Json& d, auto&, const std::string& prepared) {
         EXPECT_EQ(d["id"].str(), prepared);
         EXPECT_TRUE(d["deleted"].boolean());
       }},
      {"POST", v1 + "/apikeys", Needs::kAdmin, Param::kBodyChatbot, none,
       [v1](const std::string& bot, auto&, int) {
         return Request{"POST", v1 + "/apikeys",
                        "{\"name\":\"zq-W1 new key\",\"chatbot_id\":" + Quote(bot) + "}"};
       },
       [](const Json& d, const std::string& bot, auto&) { EXPECT_EQ(d["chatbot_id"].str(), bot); }},
      {"GET", v1 + "/apikeys", Needs::kAdmin, Param::kNone, none,
       [v1](auto&, auto&, int) {
         return Request{"GET", v1 + "/apikeys", ""};
       },
       [](const Json& d, auto&, auto&) { EXPECT_GE(d.size(), 3u) << d.dump(); }},
      {"DELETE", v1 + "/apikeys/{id}", Needs::kAdmin, Param::kApiKey,
       // Own: a W1 key; sibling: a W1 key scoped to B; other: a W2 key.
       [](Target t, int cell) -> std::string {
         const std::string name = "zq key " + std::to_string(cell);
         if (t == Target::kOther) return tenants_->NewW2Key("zq-W2 " + name);
         if (t == Target::kMissing) return "key_doesnotexist0000";
         std::string body = "{\"name\":" + Quote("zq-W1 " + name);
         if (t == Target::kSibling) body += std::string(",\"chatbot_id\":\"") + Tenants::kB + "\"";
         HttpResult r = tenants_->w1_admin->Post("/api/v1/apikeys", body + "}");
         EXPECT_TRUE(IsSuccess(r));
         return Json(r.body)["data"]["id"].str();
       },
       [v1](auto&, const std::string& prepared, int) {
         return Request{"DELETE", v1 + "/apikeys/" + prepared, ""};
       },
       [](const Json& d, auto&, const std::string& prepared) {
         EXPECT_EQ(d["id"].str(), prepared);
       }},
      {"POST", contacts, Needs::kMember, Param::kChatbot, none,
       [](const std::string& bot, auto&, int cell) {
         return Request{"POST", ContactsPath(bot),
                        "{\"users\":[{\"external_id\":\"ins_" + std::to_string(cell) +
                            "\",\"email\":\"same_" + std::to_string(cell) + "@example.com\"}]}"};
       },
       [](const Json& d, auto&, auto&) {
         EXPECT_EQ(d.size(), 1u);
         EXPECT_EQ(d[0]["external_id"].str().rfind("ins_", 0), 0u);
       }},
      {"GET", contacts, Needs::kMember, Param::kChatbot, none,
       [](const std::string& bot, auto&, int) {
         return Request{"GET", ContactsPath(bot) + "?per_page=1000", ""};
       },
       [=](const Json& d, const std::string& bot, auto&) {
         EXPECT_NE(Lower(d.dump()).find(Lower(marker_of(bot) + " Name")), std::string::npos);
       }},
      {"POST", contacts + "/import", Needs::kMember, Param::kChatbot, none,
       [](const std::string& bot, auto&, int cell) {
         return Request{"POST", ContactsPath(bot) + "/import",
                        "[{\"external_id\":\"imp_" + std::to_string(cell) + "\"}]"};
       },
       [](const Json& d, auto&, auto&) {
         EXPECT_EQ(d["rows"].i64(), 1) << d.dump();
         EXPECT_EQ(d["failed"].i64(), 0) << d.dump();
       }},
      // The body is a bare JSON array (no "data"); the matrix's scan of every answer for other
      // tenants' markers is the check that matters here.
      {"GET", contacts + "/export", Needs::kMember, Param::kChatbot, none,
       [](const std::string& bot, auto&, int) {
         return Request{"GET", ContactsPath(bot) + "/export?format=jsonl", ""};
       },
       no_check},
      {"POST", contacts + "/search", Needs::kMember, Param::kChatbot, none,
       [](const std::string& bot, auto&, int) {
         return Request{"POST", ContactsPath(bot) + "/search",
                        R"({"query":{"field":"external_id","operator":"=","value":"same"}})"};
       },
       [=](const Json& d, const std::string& bot, auto&) {
         ASSERT_EQ(d.size(), 1u);
         EXPECT_EQ(d[0]["name"].str(), marker_of(bot) + " Name");
       }},
      {"GET", contacts + "/{contact}", Needs::kMember, Param::kChatbot, none,
       [](const std::string& bot, auto&, int) {
         return Request{"GET", ContactPath(bot, "same"), ""};
       },
       [=](const Json& d, const std::string& bot, auto&) {
         EXPECT_EQ(d["name"].str(), marker_of(bot) + " Name");
         EXPECT_EQ(d["custom_attributes"]["marker"].str(), marker_of(bot) + " value");
       }},
      {"PATCH", contacts + "/{contact}", Needs::kMember, Param::kChatbot, none,
       [](const std::string& bot, auto&, int) {
         return Request{"PATCH", ContactPath(bot, "same"), R"({"phonenumber":"+1 415 555 0100"})"};
       },
       [=](const Json& d, const std::string& bot, auto&) {
         EXPECT_EQ(d["name"].str(), marker_of(bot) + " Name");
         EXPECT_EQ(d["phonenumber"].str(), "+1 415 555 0100");
       }},
      {"DELETE", contacts + "/{contact}", Needs::kMember, Param::kChatbot, disposable_contact,
       [](const std::string& bot, const std::string& prepared, int) {
         return Request{"DELETE", ContactPath(bot, prepared), ""};
       },
       [](const Json& d, auto&, const std::string& prepared) {
         EXPECT_EQ(d["external_id"].str(), prepared);
       }},
      {"GET", attributes, Needs::kMember, Param::kChatbot, none,
       [](const std::string& bot, auto&, int) {
         return Request{"GET", AttributesPath(bot), ""};
       },
       [](const Json& d, auto&, auto&) {
         EXPECT_NE(d.dump().find("\"marker\""), std::string::npos);
       }},
      {"POST", attributes, Needs::kMember, Param::kChatbot, none,
       [](const std::string& bot, auto&, int cell) {
         return Request{"POST", AttributesPath(bot),
                        "{\"name\":\"attr_" + std::to_string(cell) + "\"}"};
       },
       [](const Json& d, auto&, auto&) { EXPECT_EQ(d["name"].str().rfind("attr_", 0), 0u); }},
      {"PUT", attributes + "/{name}", Needs::kMember, Param::kChatbot, none,
       [](const std::string& bot, auto&, int) {
         return Request{"PUT", AttributesPath(bot) + "/marker", R"({"label":"Marker"})"};
       },
       [](const Json& d, auto&, auto&) { EXPECT_EQ(d["label"].str(), "Marker"); }},
  };
  return rows;
}

// The contract's answer for a cell: status and, for errors, the message.
struct Expected {
  int status;
  std::string message;  // "" for 200
};

Expected ExpectedFor(const Row& row, KeyKind key, Target target) {
  if (row.needs == Needs::kPublic) return {200, ""};
  if (key == KeyKind::kNone || key == KeyKind::kRevoked) return {401, "Unauthorized access"};
  const bool admin = key == KeyKind::kAdmin;
  if (row.needs == Needs::kOperator || (row.needs == Needs::kAdmin && !admin)) {
    return {403, "Forbidden"};
  }
  bool visible = true;
  switch (row.param) {
    case Param::kChatbot:
    case Param::kBodyChatbot:
      visible = target == Target::kOwn || (target == Target::kSibling && key != KeyKind::kScoped);
      break;
    case Param::kApiKey:
      visible = target == Target::kOwn || target == Target::kSibling;
      break;
    case Param::kWorkspace:  // operator routes: answered above
    case Param::kNone:
      break;
  }
  return visible ? Expected{200, ""} : Expected{404, "Resource not found"};
}

std::string TargetId(const Row& row, Target t) {
  if (row.param == Param::kWorkspace) {
    static const char* kIds[] = {Tenants::kW1, "default", Tenants::kW2, "zq_missing_ws"};
    return kIds[static_cast<int>(t)];
  }
  return row.param == Param::kNone ? "" : ChatbotFor(t);
}

TEST_F(IsolationMatrix, RowsCoverTheWholeRouteTable) {
  std::set<std::string> table, covered;
  for (const net::Route& r : net::Api(nullptr).Routes()) table.insert(r.method + " " + r.pattern);
  for (const Row& r : Rows()) covered.insert(r.method + " " + r.pattern);
  for (const std::string& r : table) EXPECT_TRUE(covered.count(r)) << "no matrix row for " << r;
  for (const std::string& r : covered) EXPECT_TRUE(table.count(r)) << "not a route: " << r;
  EXPECT_EQ(covered.size(), table.size());
}

TEST_F(IsolationMatrix, EveryRouteKeyAndTarget) {
  struct Cell {
    const Row* row;
    KeyKind key;
    Target target;
    std::string prepared;
    int n;
  };
  const std::vector<Row> rows = Rows();
  const std::vector<KeyKind> keys = {KeyKind::kNone, KeyKind::kRevoked, KeyKind::kScoped,
                                     KeyKind::kMember, KeyKind::kAdmin};
  // Prepare every cell (disposables are made now, so the state snapshots below include them).
  std::vector<Cell> cells;
  for (KeyKind key : keys) {
    for (const Row& row : rows) {
      std::vector<Target> targets = {Target::kNotApplicable};
      if (row.param != Param::kNone) {
        targets = {Target::kOwn, Target::kSibling, Target::kOther, Target::kMissing};
      }
      for (Target t : targets) {
        const int n = static_cast<int>(cells.size());
        cells.push_back({&row, key, t, row.prepare(t, n), n});
      }
    }
  }
  ASSERT_FALSE(HasFailure()) << "preparing the cells failed";
  const std::string w2_before = W2State(), w1_shared_before = W1SharedState();

  int checked = 0;
  for (const Cell& cell : cells) {
    if (cell.key == KeyKind::kMember && cell.row == &rows.front()) {
      // The keys that may not touch B are done: B, W1's lists and W2 are unchanged.
      EXPECT_EQ(W1SharedState(), w1_shared_before) << "no key, revoked or scoped key changed B";
      EXPECT_EQ(W2State(), w2_before);
    }
    const std::string target = TargetId(*cell.row, cell.target);
    const Request req = cell.row->build(target, cell.prepared, cell.n);
    HttpResult r = ClientFor(cell.key).Send(req.method, req.path, req.body,
                                            {{"Content-Type", "application/json"}});
    const Expected want = ExpectedFor(*cell.row, cell.key, cell.target);
    SCOPED_TRACE(std::string(Name(cell.key)) + " | " + req.method + " " + req.path + " " +
                 req.body + " | target " + Name(cell.target) + " -> " + Describe(r));
    // An export and the dashboard answer the file itself, not a {"message","data"} envelope
    // (GET /admin redirects to /admin/).
    const bool file_body =
        req.path.find("/contacts/export?") != std::string::npos || req.path.starts_with("/admin");
    if (want.status == 200 && file_body) {
      EXPECT_EQ(r.status, req.path == "/admin" ? 308 : 200);
    } else if (want.status == 200) {
      EXPECT_TRUE(IsSuccess(r));
      if (r.status == 200) cell.row->check_ok(Json(r.body)["data"], target, cell.prepared);
    } else {
      EXPECT_EQ(r.status, want.status);
      EXPECT_EQ(r.body, "{\"message\":\"" + want.message + "\"}");
    }
    const std::string body = Lower(r.body);
    for (const std::string& bad : Forbidden(cell.key)) {
      EXPECT_EQ(body.find(bad), std::string::npos) << "leaks \"" << bad << "\"";
    }
    ++checked;
  }
  std::cout << "isolation matrix: " << checked << " cells (" << rows.size() << " routes x "
            << keys.size() << " keys; targets own/sibling/other/nonexistent where the route has "
            << "one)" << std::endl;
  EXPECT_EQ(checked, static_cast<int>(cells.size()));

  // No cell by a W1 key changed anything of W2; the nonexistent chatbot was not created.
  EXPECT_EQ(W2State(), w2_before);
  EXPECT_TRUE(IsError(tenants_->w1_admin->Get(std::string("/api/v1/chatbots/") + Tenants::kMissing),
                      404, "Resource not found"));
  EXPECT_TRUE(IsError(op_->Delete("/api/v1/workspaces/zq_missing_ws"), 404, "Resource not found"));
  // A, B and C still hold their own contacts, unchanged by the others' cells.
  for (const char* bot : {Tenants::kA, Tenants::kB, Tenants::kC}) {
    HttpResult r = tenants_->OwnerOf(bot).Get(ContactPath(bot, "same"));
    ASSERT_TRUE(IsSuccess(r));
    EXPECT_EQ(Json(r.body)["data"]["name"].str(), std::string(bot).substr(0, 4) + " Name");
    EXPECT_EQ(Json(r.body)["data"]["email"].str(), std::string(bot).substr(0, 4) + "@example.com");
  }
  // C's "same" contact was never patched by a W1 key (A's and B's were, by their own keys).
  HttpResult c = tenants_->w2_admin->Get(ContactPath(Tenants::kC, "same"));
  EXPECT_TRUE(Json(c.body)["data"]["phonenumber"].is_null()) << c.body;
}

}  // namespace
}  // namespace contactd::testing
