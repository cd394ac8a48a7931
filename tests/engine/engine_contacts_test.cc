// Engine contact operations through the facade (engine/engine.h): upsert, list, get, update and
// delete, uniqueness rules and all-or-nothing batches.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/engine/engine_harness.h"

namespace contactd {
namespace {

using testing::Attrs;
using testing::Item;
using testing::kT0;
using testing::WithAttrs;

class ContactsTest : public testing::ChatbotFixture {};

TEST_F(ContactsTest, UpsertCreatesContactsInRequestOrder) {
  auto r = Upsert({Item("u1", "sam@acme.com", "Sam"), Item("u2"), Item("u3", std::nullopt, "C")});
  ASSERT_OK(r);
  ASSERT_EQ(r->contacts.size(), 3u);
  EXPECT_EQ(r->total, 3u);
  EXPECT_EQ(r->contacts[0].external_id, "u1");
  EXPECT_EQ(r->contacts[1].external_id, "u2");
  EXPECT_EQ(r->contacts[2].external_id, "u3");
  std::set<ContactId> ids;
  for (const Contact& c : r->contacts) {
    EXPECT_GE(c.id, 1u);
    EXPECT_EQ(c.created_at, kT0);
    EXPECT_EQ(c.updated_at, kT0);
    ids.insert(c.id);
  }
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(r->contacts[0].name, "Sam");
  EXPECT_EQ(r->contacts[0].email, "sam@acme.com");
  EXPECT_EQ(Get("u1"), r->contacts[0]);
  EXPECT_EQ(Get("u3"), r->contacts[2]);
  EXPECT_EQ(h_.storage().contact_count(), 3u);
  ASSERT_NE(r->schema, nullptr);
  EXPECT_EQ(r->schema->defs().size(), 4u);
}

TEST_F(ContactsTest, UpsertUpdatesExistingContactKeepingIdAndCreatedAt) {
  ContactInput first = Item("u1", "sam@acme.com", "Sam");
  first.phonenumber.Set("+14155550100");
  ASSERT_OK(Upsert({first}));
  const Contact before = Get("u1");

  h_.clock().Advance(60);
  auto r = Upsert({Item("u1", std::nullopt, "Samuel")});
  ASSERT_OK(r);
  const Contact after = r->contacts[0];
  EXPECT_EQ(after.id, before.id);
  EXPECT_EQ(after.created_at, kT0);
  EXPECT_EQ(after.updated_at, kT0 + 60);
  EXPECT_EQ(after.name, "Samuel");
  EXPECT_EQ(after.email, "sam@acme.com");        // absent: left alone
  EXPECT_EQ(after.phonenumber, "+14155550100");  // absent: left alone
  EXPECT_EQ(Get("u1"), after);
  EXPECT_EQ(All().size(), 1u);
}

TEST_F(ContactsTest, NullClearsScalarFields) {
  ContactInput first = Item("u1", "sam@acme.com", "Sam");
  first.phonenumber.Set("+14155550100");
  ASSERT_OK(Upsert({first}));
  ContactInput clear = Item("u1");
  clear.name.SetNull();
  clear.email.SetNull();
  clear.phonenumber.SetNull();
  ASSERT_OK(Upsert({clear}));
  const Contact c = Get("u1");
  EXPECT_EQ(c.name, std::nullopt);
  EXPECT_EQ(c.email, std::nullopt);
  EXPECT_EQ(c.phonenumber, std::nullopt);
  ASSERT_OK(Upsert({Item("u2", "sam@acme.com")}));  // the email is free again
}

TEST_F(ContactsTest, UnchangedUpsertDoesNotWrite) {
  ContactInput in =
      WithAttrs(Item("u1", "sam@acme.com", "Sam"), Attrs{{"plan", RawValue::String("pro")}});
  ASSERT_OK(Upsert({in, Item("u2")}));
  const size_t commits = h_.storage().commit_count();
  h_.clock().Advance(100);
  auto r = Upsert({in, Item("u2")});
  ASSERT_OK(r);
  EXPECT_EQ(h_.storage().commit_count(), commits);
  EXPECT_EQ(r->contacts[0].updated_at, kT0);
  EXPECT_EQ(Get("u1").updated_at, kT0);

  // A batch with one change writes once and touches only the changed contact.
  auto mixed = Upsert({in, Item("u2", std::nullopt, "New")});
  ASSERT_OK(mixed);
  EXPECT_EQ(h_.storage().commit_count(), commits + 1);
  EXPECT_EQ(mixed->contacts[0].updated_at, kT0);
  EXPECT_EQ(mixed->contacts[1].updated_at, kT0 + 100);
  EXPECT_EQ(Get("u1").updated_at, kT0);
}

TEST_F(ContactsTest, MissingExternalIdIsGenerated) {
  ContactInput a, b;
  a.name.Set("Anon A");
  b.name.Set("Anon B");
  auto r = Upsert({a, b});
  ASSERT_OK(r);
  const std::string& ext = r->contacts[0].external_id;
  ASSERT_EQ(ext.size(), 36u);
  EXPECT_EQ(ext[8], '-');
  EXPECT_EQ(ext[14], '4');  // version 4 UUID
  EXPECT_NE(ext, r->contacts[1].external_id);
  EXPECT_EQ(Get(ext).name, "Anon A");
  EXPECT_EQ(Get(r->contacts[1].external_id).name, "Anon B");
}

TEST_F(ContactsTest, NullExternalIdIsRejected) {
  ContactInput in;
  in.external_id.SetNull();
  auto r = Upsert({in});
  EXPECT_STATUS(r, Code::kInvalidArgument, "Invalid request data");
  EXPECT_EQ(r.status().issues(), (std::vector<Issue>{{"[0].external_id", "Must not be null"}}));
}

TEST_F(ContactsTest, DuplicateExternalIdInOneBatchIsAnIssue) {
  auto r = Upsert({Item("u1"), Item("u2"), Item("u1"), Item("u2")});
  EXPECT_STATUS(r, Code::kInvalidArgument, "Invalid request data");
  EXPECT_EQ(r.status().issues(),
            (std::vector<Issue>{
                {"[2].external_id", "Duplicate external_id in this request (also at [0])"},
                {"[3].external_id", "Duplicate external_id in this request (also at [1])"}}));
  EXPECT_TRUE(All().empty());
}

TEST_F(ContactsTest, EmailOfAnotherContactIsAClashAndNothingIsWritten) {
  ASSERT_OK(Upsert({Item("u1", "sam@acme.com")}));
  const size_t commits = h_.storage().commit_count();
  auto r = Upsert({Item("u2", "new@acme.com"), Item("u3", "sam@acme.com")});
  EXPECT_STATUS(r, Code::kAlreadyExists,
                "Error saving chatbot contact. External ID or email already exists.");
  EXPECT_EQ(r.status().issues(), (std::vector<Issue>{{"[1].email", "Email already exists"}}));
  EXPECT_EQ(h_.storage().commit_count(), commits);
  EXPECT_EQ(All().size(), 1u);
  EXPECT_NOT_FOUND(e().GetContact(admin_, "bot", "u2"));
}

TEST_F(ContactsTest, EmailUniquenessIgnoresCase) {
  ASSERT_OK(Upsert({Item("u1", "Sam@Acme.com"), Item("u2", "müller@example.de")}));
  auto r = Upsert({Item("u3", "sam@ACME.COM"), Item("u4", "MÜLLER@EXAMPLE.DE")});
  EXPECT_STATUS(r, Code::kAlreadyExists,
                "Error saving chatbot contact. External ID or email already exists.");
  EXPECT_EQ(r.status().issues(), (std::vector<Issue>{{"[0].email", "Email already exists"},
                                                     {"[1].email", "Email already exists"}}));
  // The owner may change the case of its own email.
  auto own = Upsert({Item("u1", "SAM@acme.com")});
  ASSERT_OK(own);
  EXPECT_EQ(own->contacts[0].email, "SAM@acme.com");
}

TEST_F(ContactsTest, SameEmailTwiceInOneBatchIsAClash) {
  auto r = Upsert({Item("u1", "a@acme.com"), Item("u2", "b@acme.com"), Item("u3", "A@Acme.com")});
  EXPECT_STATUS(r, Code::kAlreadyExists,
                "Error saving chatbot contact. External ID or email already exists.");
  EXPECT_EQ(r.status().issues(), (std::vector<Issue>{{"[2].email", "Same email as [0]"}}));
  EXPECT_TRUE(All().empty());
}

TEST_F(ContactsTest, EmailsCanBeSwappedOrHandedOnInOneBatch) {
  ASSERT_OK(Upsert({Item("u1", "x@acme.com"), Item("u2", "y@acme.com")}));
  ASSERT_OK(Upsert({Item("u1", "Y@acme.com"), Item("u2", "x@acme.com")}));
  EXPECT_EQ(Get("u1").email, "Y@acme.com");
  EXPECT_EQ(Get("u2").email, "x@acme.com");

  // u1 gives its email to a new contact and takes a fresh one.
  ContactInput clear = Item("u2");
  clear.email.SetNull();
  ASSERT_OK(Upsert(
      {Item("u3", "y@acme.com"), Item("u1", "z@acme.com"), clear, Item("u4", "x@acme.com")}));
  EXPECT_EQ(Get("u3").email, "y@acme.com");
  EXPECT_EQ(Get("u1").email, "z@acme.com");
  EXPECT_EQ(Get("u2").email, std::nullopt);
  EXPECT_EQ(Get("u4").email, "x@acme.com");
}

TEST_F(ContactsTest, EmailKeptByItsOwnerStillClashes) {
  ASSERT_OK(Upsert({Item("u1", "x@acme.com")}));
  // u1 is in the batch but keeps its email.
  auto r = Upsert({Item("u1", std::nullopt, "Renamed"), Item("u2", "x@acme.com")});
  EXPECT_STATUS(r, Code::kAlreadyExists,
                "Error saving chatbot contact. External ID or email already exists.");
  EXPECT_EQ(Get("u1").name, std::nullopt);
}

TEST_F(ContactsTest, BatchSizeLimits) {
  auto empty = Upsert({});
  EXPECT_STATUS(empty, Code::kInvalidArgument, "Invalid request data");
  EXPECT_TRUE(empty.status().issues().empty());

  std::vector<ContactInput> items;
  for (int i = 0; i < 1001; ++i) items.push_back(Item("u" + std::to_string(i)));
  EXPECT_STATUS(Upsert(items), Code::kInvalidArgument, "Maximum 1000 contacts per request");
  EXPECT_TRUE(All().empty());

  items.pop_back();
  auto ok = Upsert(items);
  ASSERT_OK(ok);
  EXPECT_EQ(ok->contacts.size(), 1000u);
  EXPECT_EQ(e().ListContacts(admin_, "bot", 1, 10)->total, 1000u);
}

TEST_F(ContactsTest, InvalidBatchWritesNothingAndListsEveryProblem) {
  ASSERT_OK(Upsert({Item("u0", std::nullopt, "Original")}));
  const size_t commits = h_.storage().commit_count();
  ContactInput bad_phone = Item("u2");
  bad_phone.phonenumber.Set("x");
  auto r = Upsert({Item("u0", std::nullopt, "Changed"), Item("u1", "nope"), bad_phone,
                   WithAttrs(Item("u3"), Attrs{{"ltv", RawValue::String("540")},
                                               {"unknown", RawValue::Int(1)}})});
  EXPECT_STATUS(r, Code::kInvalidArgument, "Invalid request data");
  EXPECT_EQ(
      r.status().issues(),
      (std::vector<Issue>{
          {"[1].email", "Invalid email"},
          {"[2].phonenumber",
           "Invalid phone number: use 3-20 digits, an optional leading +, and spaces . - / ( ) "
           "between"},
          {"[3].custom_attributes.ltv", "Expected number, received string"},
          {"[3].custom_attributes.unknown", "Unknown custom attribute; define it first"}}));
  EXPECT_EQ(h_.storage().commit_count(), commits);
  ASSERT_EQ(All().size(), 1u);
  EXPECT_EQ(Get("u0").name, "Original");
}

TEST_F(ContactsTest, CheckContactsReportsIssuesWithoutWriting) {
  auto ok = e().CheckContacts(admin_, "bot", {Item("u1", "a@acme.com")});
  ASSERT_OK(ok);
  EXPECT_TRUE(ok->empty());
  auto bad = e().CheckContacts(admin_, "bot", {Item("u1", "bad"), Item("u1")});
  ASSERT_OK(bad);
  EXPECT_EQ(*bad, (std::vector<Issue>{
                      {"[0].email", "Invalid email"},
                      {"[1].external_id", "Duplicate external_id in this request (also at [0])"}}));
  EXPECT_STATUS(e().CheckContacts(admin_, "bot", {}), Code::kInvalidArgument,
                "Invalid request data");
  EXPECT_NOT_FOUND(e().CheckContacts(admin_, "nobot", {Item("u1")}));
  EXPECT_TRUE(All().empty());
}

TEST_F(ContactsTest, CustomAttributesAreTypedAndReturned) {
  auto r = Upsert({WithAttrs(Item("u1"), Attrs{{"plan", RawValue::String("pro")},
                                               {"ltv", RawValue::Int(540)},
                                               {"vip", RawValue::Int(1)},
                                               {"renewal", RawValue::String("2026-11-21")}})});
  ASSERT_OK(r);
  const std::vector<AttrEntry> want = {
      {1, std::string("pro")}, {2, int64_t{540}}, {3, true}, {4, DateTime{1795219200, 0, 0, true}}};
  EXPECT_EQ(r->contacts[0].attrs, want);
  EXPECT_EQ(Get("u1").attrs, want);
  // custom_attributes replace the stored set.
  ASSERT_OK(Upsert({WithAttrs(Item("u1"), Attrs{{"ltv", RawValue::Double(12.5)}})}));
  EXPECT_EQ(Get("u1").attrs, (std::vector<AttrEntry>{{2, 12.5}}));
}

TEST_F(ContactsTest, ArchivedAttributeValuesAreKeptUntilNulled) {
  ASSERT_OK(Upsert({WithAttrs(
      Item("u1"), Attrs{{"plan", RawValue::String("pro")}, {"ltv", RawValue::Int(1)}})}));
  AttributeInput archive;
  archive.archived = true;
  ASSERT_OK(e().UpdateAttribute(admin_, "bot", "plan", archive));

  ASSERT_OK(Upsert({WithAttrs(Item("u1"), Attrs{{"ltv", RawValue::Int(2)}})}));
  EXPECT_EQ(Get("u1").attrs, (std::vector<AttrEntry>{{1, std::string("pro")}, {2, int64_t{2}}}));

  auto write = Upsert({WithAttrs(Item("u1"), Attrs{{"plan", RawValue::String("basic")}})});
  EXPECT_STATUS(write, Code::kInvalidArgument, "Invalid request data");
  EXPECT_EQ(write.status().issues(),
            (std::vector<Issue>{
                {"[0].custom_attributes.plan", "Attribute is archived; only null is accepted"}}));

  ASSERT_OK(Upsert({WithAttrs(Item("u1"), Attrs{{"plan", RawValue::Null()}})}));
  EXPECT_EQ(Get("u1").attrs, std::vector<AttrEntry>{});
}

TEST_F(ContactsTest, DuplicateCustomAttributeKeyIsRejectedNotStored) {
  auto r = Upsert({WithAttrs(
      Item("u1"), Attrs{{"plan", RawValue::String("a")}, {"plan", RawValue::String("b")}})});
  EXPECT_STATUS(r, Code::kInvalidArgument, "Invalid request data");
  EXPECT_EQ(r.status().issues(),
            (std::vector<Issue>{{"[0].custom_attributes.plan", "Duplicate key"}}));
  EXPECT_EQ(h_.storage().contact_count(), 0u);
  h_.Restart();  // whatever was stored must load again
}

TEST_F(ContactsTest, ListPagesNewestFirstWithTotal) {
  for (int batch = 0; batch < 5; ++batch) {
    std::vector<ContactInput> items;
    for (int i = 0; i < 5; ++i) items.push_back(Item("u" + std::to_string(batch * 5 + i)));
    ASSERT_OK(Upsert(items));
    h_.clock().Advance(10);
  }
  std::vector<std::string> seen;
  for (size_t page = 1; page <= 3; ++page) {
    auto list = e().ListContacts(admin_, "bot", page, 10);
    ASSERT_OK(list);
    EXPECT_EQ(list->total, 25u);
    EXPECT_EQ(list->contacts.size(), page < 3 ? 10u : 5u);
    for (const Contact& c : list->contacts) seen.push_back(c.external_id);
  }
  ASSERT_EQ(seen.size(), 25u);
  // Newest batch first; within a batch (same created_at) the higher id first.
  EXPECT_EQ(seen.front(), "u24");
  EXPECT_EQ(seen[4], "u20");
  EXPECT_EQ(seen[5], "u19");
  EXPECT_EQ(seen.back(), "u0");
  auto past = e().ListContacts(admin_, "bot", 4, 10);
  ASSERT_OK(past);
  EXPECT_TRUE(past->contacts.empty());
  EXPECT_EQ(past->total, 25u);
  EXPECT_EQ(e().ListContacts(admin_, "bot", 0, 10).status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(e().ListContacts(admin_, "bot", SIZE_MAX, 1000)->contacts.empty());
  EXPECT_NOT_FOUND(e().ListContacts(admin_, "nobot", 1, 10));
}

TEST_F(ContactsTest, GetUnknownContactIsNotFound) {
  EXPECT_NOT_FOUND(e().GetContact(admin_, "bot", "nobody"));
  EXPECT_NOT_FOUND(e().GetContact(admin_, "nobot", "nobody"));
}

TEST_F(ContactsTest, UpdateChangesOnlyTheFieldsSent) {
  ContactInput first =
      WithAttrs(Item("u1", "sam@acme.com", "Sam"), Attrs{{"plan", RawValue::String("pro")}});
  first.stripe_accounts.Set({{"main", "cus_1", std::nullopt}});
  ASSERT_OK(Upsert({first}));
  const Contact before = Get("u1");
  h_.clock().Advance(5);
  ContactInput patch;
  patch.name.SetNull();
  patch.phonenumber.Set("+1 415 555 0100");
  patch.stripe_accounts.Set({{"other", std::nullopt, "billing@acme.com"}});
  auto r = e().UpdateContact(admin_, "bot", "u1", patch);
  ASSERT_OK(r);
  Contact want = before;
  want.name.reset();
  want.phonenumber = "+1 415 555 0100";
  want.stripe_accounts = {{"other", std::nullopt, "billing@acme.com"}};
  want.updated_at = kT0 + 5;
  EXPECT_EQ(r->contact, want);
  EXPECT_EQ(Get("u1"), want);
}

TEST_F(ContactsTest, UpdateCanRenameExternalId) {
  ASSERT_OK(Upsert({Item("old", "sam@acme.com")}));
  const ContactId id = Get("old").id;
  ContactInput patch;
  patch.external_id.Set("new");
  auto r = e().UpdateContact(admin_, "bot", "old", patch);
  ASSERT_OK(r);
  EXPECT_EQ(r->contact.external_id, "new");
  EXPECT_EQ(r->contact.id, id);
  EXPECT_NOT_FOUND(e().GetContact(admin_, "bot", "old"));
  EXPECT_EQ(Get("new").id, id);
  EXPECT_EQ(Get("new").email, "sam@acme.com");
  ASSERT_OK(Upsert({Item("old")}));  // the old id is free for a new contact
  EXPECT_NE(Get("old").id, id);
}

TEST_F(ContactsTest, UpdateClashesAreAlreadyExists) {
  ASSERT_OK(Upsert({Item("u1", "a@acme.com"), Item("u2", "b@acme.com")}));
  const size_t commits = h_.storage().commit_count();
  ContactInput rename;
  rename.external_id.Set("u2");
  auto r = e().UpdateContact(admin_, "bot", "u1", rename);
  EXPECT_STATUS(r, Code::kAlreadyExists,
                "Error saving chatbot contact. External ID or email already exists.");
  EXPECT_EQ(r.status().issues(),
            (std::vector<Issue>{{"external_id", "External ID already exists"}}));
  ContactInput email;
  email.email.Set("B@ACME.com");
  auto r2 = e().UpdateContact(admin_, "bot", "u1", email);
  EXPECT_STATUS(r2, Code::kAlreadyExists,
                "Error saving chatbot contact. External ID or email already exists.");
  EXPECT_EQ(r2.status().issues(), (std::vector<Issue>{{"email", "Email already exists"}}));
  EXPECT_EQ(h_.storage().commit_count(), commits);
  EXPECT_EQ(Get("u1").email, "a@acme.com");
}

TEST_F(ContactsTest, UpdateValidatesAndFindsTheContact) {
  ASSERT_OK(Upsert({Item("u1")}));
  ContactInput bad;
  bad.email.Set("nope");
  bad.custom_attributes.Set(Attrs{{"vip", RawValue::String("yes")}});
  auto r = e().UpdateContact(admin_, "bot", "u1", bad);
  EXPECT_STATUS(r, Code::kInvalidArgument, "Invalid request data");
  EXPECT_EQ(r.status().issues(),
            (std::vector<Issue>{{"email", "Invalid email"},
                                {"custom_attributes.vip", "Expected boolean, received string"}}));
  ContactInput ok;
  ok.name.Set("x");
  EXPECT_NOT_FOUND(e().UpdateContact(admin_, "bot", "nobody", ok));
  EXPECT_NOT_FOUND(e().UpdateContact(admin_, "nobot", "u1", ok));
}

TEST_F(ContactsTest, UnchangedUpdateDoesNotWrite) {
  ASSERT_OK(Upsert({Item("u1", "a@acme.com", "A")}));
  const size_t commits = h_.storage().commit_count();
  h_.clock().Advance(9);
  auto r = e().UpdateContact(admin_, "bot", "u1", Item("u1", "a@acme.com", "A"));
  ASSERT_OK(r);
  EXPECT_EQ(r->contact.updated_at, kT0);
  EXPECT_EQ(h_.storage().commit_count(), commits);
}

TEST_F(ContactsTest, DeleteReturnsTheContactThenItIsGone) {
  ASSERT_OK(Upsert({Item("u1", "a@acme.com", "A"), Item("u2")}));
  const Contact before = Get("u1");
  auto r = e().DeleteContact(admin_, "bot", "u1");
  ASSERT_OK(r);
  EXPECT_EQ(r->contact, before);
  EXPECT_NOT_FOUND(e().GetContact(admin_, "bot", "u1"));
  EXPECT_NOT_FOUND(e().DeleteContact(admin_, "bot", "u1"));
  EXPECT_EQ(All().size(), 1u);
  EXPECT_EQ(h_.storage().contact_count(), 1u);
  ASSERT_OK(Upsert({Item("u3", "A@acme.com")}));  // its email is free
}

}  // namespace
}  // namespace contactd
