// Def(): an attribute definition for the transfer tests' schemas.
#pragma once

#include <string>
#include <utility>

#include "engine/schema.h"

namespace contactd::transfer {

inline AttrDef Def(AttrNo no, std::string name, AttrType type, std::string label = "",
                   bool archived = false) {
  AttrDef def;
  def.no = no;
  def.name = std::move(name);
  def.type = type;
  def.label = std::move(label);
  def.archived = archived;
  return def;
}

}  // namespace contactd::transfer
