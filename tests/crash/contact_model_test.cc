// Unit tests of the crash loop's contact model and write checks (contact_model.h, CheckWritten in
// crash_client.h): the loop's verdicts are only as good as these predictions.
#include "tests/crash/contact_model.h"

#include <gtest/gtest.h>

#include "tests/crash/crash_client.h"
#include "tests/support/json.h"

namespace contactd::crash {
namespace {

using testing::Json;

Write FullWrite() {
  Write w;
  w.external_id = "c0/s1 é";
  w.name = std::optional<std::string>("Zoë \"b1\"");
  w.email = std::optional<std::string>("a@b.example");
  w.phone = std::optional<std::string>("+1 415 555 0100");
  w.stripe = std::optional<std::vector<Stripe>>(std::vector<Stripe>{{"main", "cus_1", "x@y.io"}});
  w.attrs = {"b1", -(int64_t{1} << 62), true, "2026-11-21T10:00:00.25+02:00", "line\n\"2\"\t\\"};
  return w;
}

// A contact as the server renders it, for `w` applied to nothing.
std::string Rendered(const Write& w, const std::string& id, int64_t created, int64_t updated) {
  const Values v = Apply(nullptr, w);
  std::string stripe = "[";
  for (const Stripe& a : v.stripe) {
    stripe += "{\"label\":" + Quote(a.label) + ",\"stripe_id\":" + Quote(a.stripe_id) +
              ",\"stripe_email\":" + Quote(a.stripe_email) + "}";
  }
  auto opt = [](const std::optional<std::string>& s) { return s ? Quote(*s) : "null"; };
  std::string attrs = "{\"batch\":" + Quote(v.attrs.batch) + ",\"n\":" + std::to_string(v.attrs.n);
  if (v.attrs.vip) attrs += std::string(",\"vip\":") + (*v.attrs.vip ? "true" : "false");
  if (v.attrs.seen) attrs += ",\"seen\":" + Quote(*v.attrs.seen);
  if (v.attrs.note) attrs += ",\"note\":" + Quote(*v.attrs.note);
  return "{\"id\":" + Quote(id) + ",\"external_id\":" + Quote(w.external_id) +
         ",\"name\":" + opt(v.name) + ",\"email\":" + opt(v.email) +
         ",\"phonenumber\":" + opt(v.phone) + ",\"stripe_accounts\":" + stripe +
         "],\"custom_attributes\":" + attrs + "},\"created_at\":" + std::to_string(created) +
         ",\"updated_at\":" + std::to_string(updated) + "}";
}

TEST(ContactModel, ApplyFollowsTheUpsertRules) {
  const Values before = Apply(nullptr, FullWrite());
  Write w;
  w.external_id = "c0/s1 é";
  w.name = std::optional<std::string>();  // null clears
  w.phone = std::optional<std::string>("(030) 555-0100 x12");
  w.stripe = std::optional<std::vector<Stripe>>();  // null clears (renders as [])
  w.attrs.batch = "b2";                             // attributes are replaced whole
  const Values after = Apply(&before, w);
  EXPECT_EQ(after.name, std::nullopt);
  EXPECT_EQ(after.email, before.email);  // absent: unchanged
  EXPECT_EQ(after.phone, "(030) 555-0100 x12");
  EXPECT_TRUE(after.stripe.empty());
  EXPECT_EQ(after.attrs, (Attrs{"b2", 0, std::nullopt, std::nullopt, std::nullopt}));
}

TEST(ContactModel, ItemJsonSendsOnlyWhatTheWriteSets) {
  Write w;
  w.external_id = "x\"y";
  w.email = std::optional<std::string>();
  w.attrs.batch = "b";
  w.attrs.n = 7;
  EXPECT_EQ(ItemJson(w),
            R"({"external_id":"x\"y","email":null,"custom_attributes":{"batch":"b","n":7}})");
  EXPECT_EQ(ItemJson(w, false), R"({"email":null,"custom_attributes":{"batch":"b","n":7}})");
  EXPECT_TRUE(Json(ItemJson(FullWrite())).valid()) << ItemJson(FullWrite());
}

TEST(ContactModel, ParsesARenderedContactAndDiffsFieldByField) {
  const Write w = FullWrite();
  std::string error;
  std::optional<Contact> c = ParseContact(Json(Rendered(w, "contact_12", 100, 101)), &error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->id, "contact_12");
  EXPECT_EQ(IdNumber(c->id), 12u);
  EXPECT_EQ(c->values, Apply(nullptr, w));
  EXPECT_EQ(Diff(*c, *c), "");

  Contact other = *c;
  other.values.attrs.n += 1;
  other.updated_at = 102;
  const std::string diff = Diff(*c, other);
  EXPECT_NE(diff.find("updated_at: expected 101, got 102"), std::string::npos) << diff;
  EXPECT_NE(diff.find("custom_attributes"), std::string::npos) << diff;
  EXPECT_EQ(diff.find("name"), std::string::npos) << diff;
}

TEST(ContactModel, RejectsMalformedContacts) {
  std::string error;
  EXPECT_FALSE(ParseContact(Json(R"({"id":"contact_1"})"), &error));
  EXPECT_FALSE(error.empty());
  std::string unknown = Rendered(FullWrite(), "contact_1", 1, 1);
  unknown.replace(unknown.find("\"batch\""), 7, "\"other\"");
  EXPECT_FALSE(ParseContact(Json(unknown), &error));
  EXPECT_NE(error.find("other"), std::string::npos) << error;
  EXPECT_EQ(IdNumber("contact_"), 0u);
  EXPECT_EQ(IdNumber("contact_1x"), 0u);
  EXPECT_EQ(IdNumber("user_1"), 0u);
}

TEST(CheckWritten, AcceptsWhatTheWriteMustHaveStored) {
  const Write w = FullWrite();
  std::string error;
  const Contact created = *ParseContact(Json(Rendered(w, "contact_50", 1000, 1000)), &error);
  EXPECT_EQ(CheckWritten(nullptr, w, created, 49, 1000, 1000), "");

  Write change;
  change.external_id = w.external_id;
  change.attrs.batch = "b2";
  Contact updated = created;
  updated.values = Apply(&created.values, change);
  updated.updated_at = 1005;
  EXPECT_EQ(CheckWritten(&created, change, updated, 60, 1004, 1005), "");
}

TEST(CheckWritten, ReportsEachWayAWriteCanBeWrong) {
  const Write w = FullWrite();
  std::string error;
  const Contact created = *ParseContact(Json(Rendered(w, "contact_50", 1000, 1000)), &error);
  // An id not above every id acknowledged before the request: reused or out of order.
  EXPECT_NE(CheckWritten(nullptr, w, created, 50, 1000, 1000).find("not above"), std::string::npos);
  // Timestamps outside the request's time.
  EXPECT_NE(CheckWritten(nullptr, w, created, 1, 1005, 1006).find("created_at"), std::string::npos);
  // A value the write did not ask for.
  Contact wrong = created;
  wrong.values.phone = std::nullopt;
  EXPECT_NE(CheckWritten(nullptr, w, wrong, 1, 1000, 1000).find("phonenumber"), std::string::npos);
  // An update that changed the id or created_at.
  Write change;
  change.external_id = w.external_id;
  change.attrs.batch = "b2";
  Contact moved = created;
  moved.values = Apply(&created.values, change);
  moved.id = "contact_51";
  moved.created_at = 1001;
  const std::string e = CheckWritten(&created, change, moved, 60, 1000, 1001);
  EXPECT_NE(e.find("id changed"), std::string::npos) << e;
  EXPECT_NE(e.find("created_at changed"), std::string::npos) << e;
}

}  // namespace
}  // namespace contactd::crash
