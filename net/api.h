// Api: the v1 HTTP API on top of the engine. Each handler turns a request into one engine call
// and the result into a response: decode (json_decode.h) -> engine -> render (render.h). Errors
// are mapped to HTTP in errors.cc only.
//
// Routes (all under /api/v1 except /healthz; {contact} is the contact's external_id):
//   GET    /healthz                                            no auth
//   POST   /workspaces, GET /workspaces, DELETE /workspaces/{id}          operator
//   POST   /chatbots, PATCH /chatbots/{id}, DELETE /chatbots/{id}         admin
//   GET    /chatbots, GET /chatbots/{id}                                  member (own scope)
//   POST   /apikeys, GET /apikeys, DELETE /apikeys/{id}                   admin
//   POST   /chatbots/{chatbot}/contacts            bulk upsert            member
//   GET    /chatbots/{chatbot}/contacts            list, search, filter   member
//   POST   /chatbots/{chatbot}/contacts/search     search (JSON body)     member
//   POST   /chatbots/{chatbot}/contacts/import     CSV/JSON/JSONL import  member (streamed)
//   GET    /chatbots/{chatbot}/contacts/export     CSV/JSON/JSONL export  member (streamed)
//   GET|PATCH|DELETE /chatbots/{chatbot}/contacts/{contact}               member
//   GET|POST /chatbots/{chatbot}/custom-attributes                        member
//   PUT    /chatbots/{chatbot}/custom-attributes/{name}                   member
//   GET    /admin, /admin/, /admin/{file}   the embedded dashboard (net/admin_assets.h)  no auth
//
// Thread-safety: handlers are safe to call concurrently (the engine is).
#pragma once

#include <vector>

#include "engine/engine.h"
#include "net/router.h"

namespace contactd::net {

class Api {
 public:
  explicit Api(Engine* engine) : engine_(engine) {}

  // The route table.
  std::vector<Route> Routes();

 private:
  // Contacts (handlers_contacts.cc).
  HttpResponse UpsertContacts(RequestContext& ctx);
  HttpResponse ListContacts(RequestContext& ctx);
  HttpResponse SearchContacts(RequestContext& ctx);
  HttpResponse GetContact(RequestContext& ctx);
  HttpResponse UpdateContact(RequestContext& ctx);
  HttpResponse DeleteContact(RequestContext& ctx);
  // Import and export (handlers_transfer.cc).
  HttpResponse ImportContacts(RequestContext& ctx);
  HttpResponse ExportContacts(RequestContext& ctx);
  // Custom attributes (handlers_attributes.cc).
  HttpResponse ListAttributes(RequestContext& ctx);
  HttpResponse DefineAttribute(RequestContext& ctx);
  HttpResponse UpdateAttribute(RequestContext& ctx);
  // Control plane (handlers_control.cc).
  HttpResponse CreateWorkspace(RequestContext& ctx);
  HttpResponse ListWorkspaces(RequestContext& ctx);
  HttpResponse DeleteWorkspace(RequestContext& ctx);
  HttpResponse Erase(RequestContext& ctx);
  HttpResponse CreateChatbot(RequestContext& ctx);
  HttpResponse ListChatbots(RequestContext& ctx);
  HttpResponse GetChatbot(RequestContext& ctx);
  HttpResponse UpdateChatbot(RequestContext& ctx);
  HttpResponse DeleteChatbot(RequestContext& ctx);
  HttpResponse CreateApiKey(RequestContext& ctx);
  HttpResponse ListApiKeys(RequestContext& ctx);
  HttpResponse RevokeApiKey(RequestContext& ctx);

  Engine* engine_;
};

}  // namespace contactd::net
