// Tests of one chatbot's in-memory contact table (engine/contact_table.h): rows, the external_id
// and email indexes, row reuse and newest-first order.
#include "engine/contact_table.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "engine/text.h"
#include "tests/engine/test_printers.h"

namespace contactd {
namespace {

Record MakeRecord(ContactId id, std::string external_id, std::optional<std::string> email = {},
                  int64_t created_at = 0) {
  Contact c;
  c.id = id;
  c.created_at = created_at;
  c.updated_at = created_at;
  c.external_id = std::move(external_id);
  c.email = std::move(email);
  return Record(EncodeRecord(c));
}

using Row = ContactTable::Row;
constexpr Row kNoRow = ContactTable::kNoRow;

TEST(ContactTableTest, EmptyTableFindsNothing) {
  ContactTable t;
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.FindByExternalId("x"), kNoRow);
  EXPECT_EQ(t.FindByEmail("a@b.co"), kNoRow);
}

TEST(ContactTableTest, InsertFindAndGet) {
  ContactTable t;
  const Row a = t.Insert(MakeRecord(1, "ext_a", "a@acme.com"));
  const Row b = t.Insert(MakeRecord(2, "ext_b"));
  EXPECT_NE(a, b);
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.FindByExternalId("ext_a"), a);
  EXPECT_EQ(t.FindByExternalId("ext_b"), b);
  EXPECT_EQ(t.FindByExternalId("EXT_A"), kNoRow);  // external ids are case-sensitive
  EXPECT_EQ(t.FindByExternalId("ext_"), kNoRow);
  EXPECT_EQ(t.FindByEmail("a@acme.com"), a);
  EXPECT_EQ(t.FindByEmail("b@acme.com"), kNoRow);
  EXPECT_EQ(t.Get(a).id(), 1u);
  EXPECT_EQ(t.Get(b).external_id(), "ext_b");
  EXPECT_EQ(t.Get(b).email(), std::nullopt);
}

TEST(ContactTableTest, EmailLookupIsCaseInsensitive) {
  ContactTable t;
  const Row a = t.Insert(MakeRecord(1, "a", "Sam.Rivera@Acme.COM"));
  EXPECT_EQ(t.FindByEmail("sam.rivera@acme.com"), a);
  EXPECT_EQ(t.FindByEmail("SAM.RIVERA@ACME.COM"), a);
  EXPECT_EQ(t.FindByEmail("Sam.Rivera@Acme.COM"), a);
  EXPECT_EQ(t.Get(a).email(), "Sam.Rivera@Acme.COM");  // stored as written
}

TEST(ContactTableTest, EmailLookupFoldsUnicodeCase) {
  ContactTable t;
  const Row a = t.Insert(MakeRecord(1, "a", "müller@example.de"));
  EXPECT_EQ(t.FindByEmail("MÜLLER@EXAMPLE.DE"), a);
  EXPECT_EQ(t.FindByEmail("Müller@Example.de"), a);
  EXPECT_EQ(t.FindByEmail("muller@example.de"), kNoRow);
  // Decomposed "u" + combining diaeresis folds to the same composed form.
  EXPECT_EQ(t.FindByEmail("MU\xcc\x88LLER@example.de"), a);

  const Row b = t.Insert(MakeRecord(2, "b", "ΣΊΣΥΦΟΣ@example.gr"));
  EXPECT_EQ(t.FindByEmail("σίσυφοσ@example.gr"), b);
  EXPECT_EQ(t.FindByEmail("σίσυφος@example.gr"), b);  // final sigma folds to sigma
}

// Writers hash the keys a batch sets before they encode its records (engine/upsert.cc): those
// hashes must be the record's own.
TEST(ContactTableTest, HashesOfTheKeysAreTheRecordsHashes) {
  for (const char* email :
       {"a@b.co", "Sam.Rivera@Acme.COM", "MU\xcc\x88LLER@example.de", "ΣΊΣΥΦΟΣ@example.gr"}) {
    const Record r = MakeRecord(1, "ext", email);
    const ContactTable::KeyHashes want = ContactTable::HashesOf(r.view());
    const ContactTable::KeyHashes got = {ContactTable::KeyHash("ext"),
                                         ContactTable::EmailHash(text::CaseFold(email))};
    EXPECT_EQ(got.external_id, want.external_id) << email;
    EXPECT_EQ(got.email, want.email) << email;
    EXPECT_NE(got.email, 0u) << email;
    ContactTable t;  // a row inserted with them is found by any case of its email
    const Row row = t.Insert(r, got);
    EXPECT_EQ(t.FindByEmail(email), row) << email;
    EXPECT_EQ(t.FindByExternalId("ext"), row) << email;
  }
}

TEST(ContactTableTest, LookupsWithAKeyHashAndPrefetchesAgreeWithPlainLookups) {
  ContactTable t;
  std::vector<Row> rows;
  for (int i = 0; i < 100; ++i) {
    const std::string id = "ext-" + std::to_string(i);
    const Record r =
        MakeRecord(static_cast<ContactId>(i + 1), id, "u" + std::to_string(i) + "@acme.com");
    t.PrefetchIndexes(ContactTable::HashesOf(r.view()));  // where it will go: changes nothing
    rows.push_back(t.Insert(r));
  }
  EXPECT_EQ(t.size(), 100u);
  for (int i = 0; i < 120; ++i) {  // the last 20 are not there
    const std::string id = "ext-" + std::to_string(i);
    const uint32_t hash = ContactTable::KeyHash(id);
    t.PrefetchExternalId(hash);
    const Row want = i < 100 ? rows[static_cast<size_t>(i)] : ContactTable::kNoRow;
    EXPECT_EQ(t.FindByExternalId(id, hash), want) << id;
    EXPECT_EQ(t.FindByExternalId(id), want) << id;
    const std::string folded = "u" + std::to_string(i) + "@acme.com";
    const uint32_t email_hash = ContactTable::EmailHash(folded);
    t.PrefetchEmail(email_hash);
    EXPECT_EQ(t.FindByFoldedEmail(folded, email_hash), want) << folded;
    EXPECT_EQ(t.FindByFoldedEmail(folded), want) << folded;
  }
}

TEST(ContactTableTest, ReplaceWithNewExternalIdMovesTheIndex) {
  ContactTable t;
  const Row a = t.Insert(MakeRecord(1, "old", "a@acme.com"));
  t.Replace(a, MakeRecord(1, "new", "a@acme.com"));
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.FindByExternalId("old"), kNoRow);
  EXPECT_EQ(t.FindByExternalId("new"), a);
  EXPECT_EQ(t.FindByEmail("A@ACME.COM"), a);
}

TEST(ContactTableTest, ReplaceWithNewEmailMovesTheIndex) {
  ContactTable t;
  const Row a = t.Insert(MakeRecord(1, "a", "first@acme.com"));
  t.Replace(a, MakeRecord(1, "a", "second@acme.com"));
  EXPECT_EQ(t.FindByEmail("first@acme.com"), kNoRow);
  EXPECT_EQ(t.FindByEmail("second@acme.com"), a);

  t.Replace(a, MakeRecord(1, "a"));  // email cleared
  EXPECT_EQ(t.FindByEmail("second@acme.com"), kNoRow);
  EXPECT_EQ(t.FindByExternalId("a"), a);

  t.Replace(a, MakeRecord(1, "a", "third@acme.com"));  // email set again
  EXPECT_EQ(t.FindByEmail("THIRD@acme.com"), a);
}

TEST(ContactTableTest, ReplaceOnlyChangingEmailCaseKeepsItFindable) {
  ContactTable t;
  const Row a = t.Insert(MakeRecord(1, "a", "sam@acme.com"));
  t.Replace(a, MakeRecord(1, "a", "SAM@acme.com"));
  EXPECT_EQ(t.FindByEmail("sam@acme.com"), a);
  EXPECT_EQ(t.Get(a).email(), "SAM@acme.com");
}

TEST(ContactTableTest, SwapEmailsBetweenRows) {
  ContactTable t;
  const Row a = t.Insert(MakeRecord(1, "a", "x@acme.com"));
  const Row b = t.Insert(MakeRecord(2, "b", "y@acme.com"));
  t.Replace(a, MakeRecord(1, "a"));
  t.Replace(b, MakeRecord(2, "b", "x@acme.com"));
  t.Replace(a, MakeRecord(1, "a", "y@acme.com"));
  EXPECT_EQ(t.FindByEmail("x@acme.com"), b);
  EXPECT_EQ(t.FindByEmail("y@acme.com"), a);
}

TEST(ContactTableTest, EraseRemovesFromBothIndexes) {
  ContactTable t;
  const Row a = t.Insert(MakeRecord(1, "a", "a@acme.com"));
  const Row b = t.Insert(MakeRecord(2, "b", "b@acme.com"));
  t.Erase(a);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.FindByExternalId("a"), kNoRow);
  EXPECT_EQ(t.FindByEmail("a@acme.com"), kNoRow);
  EXPECT_EQ(t.FindByExternalId("b"), b);
  EXPECT_EQ(t.FindByEmail("b@acme.com"), b);
}

TEST(ContactTableTest, ErasedRowsAreReused) {
  ContactTable t;
  const Row a = t.Insert(MakeRecord(1, "a", "a@acme.com"));
  const Row b = t.Insert(MakeRecord(2, "b"));
  t.Erase(a);
  const Row c = t.Insert(MakeRecord(3, "c", "a@acme.com"));
  EXPECT_EQ(c, a);
  EXPECT_EQ(t.Get(c).id(), 3u);
  EXPECT_EQ(t.FindByExternalId("c"), c);
  EXPECT_EQ(t.FindByExternalId("a"), kNoRow);
  EXPECT_EQ(t.FindByEmail("a@acme.com"), c);
  const Row d = t.Insert(MakeRecord(4, "d"));
  EXPECT_NE(d, a);
  EXPECT_NE(d, b);
  EXPECT_EQ(t.size(), 3u);
}

TEST(ContactTableTest, ForEachVisitsLiveRowsInRowOrder) {
  ContactTable t;
  const Row a = t.Insert(MakeRecord(1, "a"));
  const Row b = t.Insert(MakeRecord(2, "b"));
  const Row c = t.Insert(MakeRecord(3, "c"));
  t.Erase(b);
  std::vector<Row> seen;
  t.ForEach([&](Row r) { seen.push_back(r); });
  EXPECT_EQ(seen, (std::vector<Row>{a, c}));
}

TEST(ContactTableTest, ManyInsertsAndErasesKeepIndexesConsistent) {
  ContactTable t;
  std::vector<Row> rows;
  for (int i = 0; i < 2000; ++i) {
    rows.push_back(t.Insert(MakeRecord(static_cast<ContactId>(i + 1), "e" + std::to_string(i),
                                       "u" + std::to_string(i) + "@acme.com")));
  }
  for (int i = 0; i < 2000; i += 2) t.Erase(rows[static_cast<size_t>(i)]);
  EXPECT_EQ(t.size(), 1000u);
  for (int i = 0; i < 2000; ++i) {
    const Row want = i % 2 ? rows[static_cast<size_t>(i)] : kNoRow;
    ASSERT_EQ(t.FindByExternalId("e" + std::to_string(i)), want) << i;
    ASSERT_EQ(t.FindByEmail("U" + std::to_string(i) + "@ACME.com"), want) << i;
  }
}

}  // namespace
}  // namespace contactd
