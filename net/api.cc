#include "net/api.h"

#include "net/admin_assets.h"
#include "net/render.h"

namespace contactd::net {

std::vector<Route> Api::Routes() {
  auto bind = [this](HttpResponse (Api::*fn)(RequestContext&)) {
    return [this, fn](RequestContext& ctx) { return (this->*fn)(ctx); };
  };
  const std::string v1 = "/api/v1";
  const std::string contacts = v1 + "/chatbots/{chatbot}/contacts";
  const std::string attributes = v1 + "/chatbots/{chatbot}/custom-attributes";
  std::vector<Route> routes = {
      {"GET", "/healthz", Access::kPublic,
       [](RequestContext&) { return Success([](JsonWriter& w) { w.String("ok"); }); }},
      {"POST", v1 + "/workspaces", Access::kOperator, bind(&Api::CreateWorkspace)},
      {"GET", v1 + "/workspaces", Access::kOperator, bind(&Api::ListWorkspaces)},
      {"DELETE", v1 + "/workspaces/{id}", Access::kOperator, bind(&Api::DeleteWorkspace)},
      {"POST", v1 + "/admin/erase", Access::kOperator, bind(&Api::Erase)},
      {"POST", v1 + "/chatbots", Access::kAdmin, bind(&Api::CreateChatbot)},
      {"GET", v1 + "/chatbots", Access::kMember, bind(&Api::ListChatbots)},
      {"GET", v1 + "/chatbots/{id}", Access::kMember, bind(&Api::GetChatbot)},
      {"PATCH", v1 + "/chatbots/{id}", Access::kAdmin, bind(&Api::UpdateChatbot)},
      {"DELETE", v1 + "/chatbots/{id}", Access::kAdmin, bind(&Api::DeleteChatbot)},
      {"POST", v1 + "/apikeys", Access::kAdmin, bind(&Api::CreateApiKey)},
      {"GET", v1 + "/apikeys", Access::kAdmin, bind(&Api::ListApiKeys)},
      {"DELETE", v1 + "/apikeys/{id}", Access::kAdmin, bind(&Api::RevokeApiKey)},
      {"POST", contacts, Access::kMember, bind(&Api::UpsertContacts)},
      {"GET", contacts, Access::kMember, bind(&Api::ListContacts)},
      {"POST", contacts + "/search", Access::kMember, bind(&Api::SearchContacts)},
      {"POST", contacts + "/import", Access::kMember, bind(&Api::ImportContacts)},
      // Before "/{contact}": a contact whose external_id is "export" is read with a filter.
      {"GET", contacts + "/export", Access::kMember, bind(&Api::ExportContacts)},
      {"GET", contacts + "/{contact}", Access::kMember, bind(&Api::GetContact)},
      {"PATCH", contacts + "/{contact}", Access::kMember, bind(&Api::UpdateContact)},
      {"DELETE", contacts + "/{contact}", Access::kMember, bind(&Api::DeleteContact)},
      {"GET", attributes, Access::kMember, bind(&Api::ListAttributes)},
      {"POST", attributes, Access::kMember, bind(&Api::DefineAttribute)},
      {"PUT", attributes + "/{name}", Access::kMember, bind(&Api::UpdateAttribute)},
  };
  // The embedded dashboard (net/admin_assets.h): public, it asks for a key itself.
  for (Route& r : AdminRoutes()) routes.push_back(std::move(r));
  return routes;
}

}  // namespace contactd::net
