#include "tests/support/json.h"

#include <simdjson.h>

namespace contactd::testing {

using simdjson::dom::element;

struct Json::Doc {
  simdjson::dom::parser parser;
  element root;
};

namespace {

const element* El(const std::shared_ptr<const void>& p) {
  return static_cast<const element*>(p.get());
}

}  // namespace

Json::Json(std::string_view text) : doc_(std::make_shared<Doc>()) {
  if (auto err = doc_->parser.parse(text.data(), text.size(), true).get(doc_->root); err) {
    why_ = std::string("not JSON: ") + simdjson::error_message(err) + ": " +
           std::string(text.substr(0, 200));
    return;
  }
  element_ = std::make_shared<element>(doc_->root);
  ok_ = true;
}

Json::Json(std::shared_ptr<Doc> doc, const void* el, std::string why)
    : doc_(std::move(doc)), why_(std::move(why)) {
  if (el != nullptr) {
    element_ = std::make_shared<element>(*static_cast<const element*>(el));
    ok_ = true;
  }
}

bool Json::has(std::string_view key) const {
  return ok_ && El(element_)->is_object() && El(element_)->at_key(key).error() == simdjson::SUCCESS;
}

Json Json::operator[](std::string_view key) const {
  if (!ok_) return Json(doc_, nullptr, why_);
  element child;
  if (El(element_)->at_key(key).get(child) != simdjson::SUCCESS) {
    return Json(doc_, nullptr, "no key '" + std::string(key) + "' in " + dump());
  }
  return Json(doc_, &child, "");
}

Json Json::operator[](size_t index) const {
  if (!ok_) return Json(doc_, nullptr, why_);
  element child;
  if (El(element_)->at(index).get(child) != simdjson::SUCCESS) {
    return Json(doc_, nullptr, "no index " + std::to_string(index) + " in " + dump());
  }
  return Json(doc_, &child, "");
}

bool Json::is_null() const { return ok_ && El(element_)->is_null(); }
bool Json::is_string() const { return ok_ && El(element_)->is_string(); }
bool Json::is_number() const { return ok_ && El(element_)->is_number(); }

std::string Json::str() const {
  std::string_view s;
  if (!ok_ || El(element_)->get_string().get(s) != simdjson::SUCCESS) return "";
  return std::string(s);
}

int64_t Json::i64() const {
  int64_t v = 0;
  if (!ok_ || El(element_)->get_int64().get(v) != simdjson::SUCCESS) return 0;
  return v;
}

double Json::num() const {
  double v = 0;
  if (!ok_ || El(element_)->get_double().get(v) != simdjson::SUCCESS) return 0;
  return v;
}

bool Json::boolean() const {
  bool v = false;
  if (!ok_ || El(element_)->get_bool().get(v) != simdjson::SUCCESS) return false;
  return v;
}

size_t Json::size() const {
  if (!ok_) return 0;
  simdjson::dom::array a;
  if (El(element_)->get_array().get(a) == simdjson::SUCCESS) return a.size();
  simdjson::dom::object o;
  if (El(element_)->get_object().get(o) == simdjson::SUCCESS) return o.size();
  return 0;
}

std::vector<std::string> Json::keys() const {
  std::vector<std::string> out;
  simdjson::dom::object o;
  if (!ok_ || El(element_)->get_object().get(o) != simdjson::SUCCESS) return out;
  for (auto [k, v] : o) out.emplace_back(k);
  return out;
}

std::string Json::dump() const {
  if (!ok_) return "<invalid: " + why_ + ">";
  return simdjson::minify(*El(element_));
}

}  // namespace contactd::testing
