package audit

import "testing"

func TestAPIAuthorizer(t *testing.T) {
	app := prodTags("pay")
	api := func(id string, methods ...APIMethod) RestAPI {
		return RestAPI{Resource: Resource{Kind: KindRestAPI, ID: id, Name: id + "-name", Tags: app}, Methods: methods}
	}
	m := func(verb, path, auth string) APIMethod {
		return APIMethod{Path: path, HTTPMethod: verb, AuthorizationType: auth}
	}
	runCheck(t, checkAPIAuthorizer(), []checkCase{
		{name: "authorizers, docs routes and preflight", inv: Inventory{APIs: []RestAPI{
			api("secured", m("GET", "/pets", "CUSTOM"), m("POST", "/pets", "COGNITO_USER_POOLS"), m("DELETE", "/pets/{id}", "AWS_IAM"),
				m("GET", "/swagger", "NONE"), m("GET", "/swagger/{proxy+}", "NONE"), m("GET", "/api-docs.json", "NONE"), m("OPTIONS", "/pets", "NONE")),
			api("open", m("GET", "/pets", "NONE"), m("POST", "/pets", ""), m("GET", "/docsearch", "NONE"), m("GET", "/health", "CUSTOM")),
			api("docs-only", m("GET", "/openapi", "NONE")),
			api("empty"),
		}}, want: map[string]want{
			"secured":   {Pass, "3 methods have an authorizer (4 documentation or preflight methods excepted)"},
			"open":      {Fail, "3 of 4 methods have no authorizer: GET /pets, POST /pets, GET /docsearch"},
			"docs-only": {NotApplicable, "only documentation"},
			"empty":     {NotApplicable, "no methods"},
		}},
		{name: "configured docs routes", rules: func(r *Rules) { r.DocsRoutes = []string{"/v1/docs/"}; r.OpenMethods = nil },
			inv: Inventory{APIs: []RestAPI{
				api("v1", m("GET", "/v1/docs/index.html", "NONE"), m("GET", "/swagger", "NONE"), m("OPTIONS", "/v1", "NONE")),
			}}, want: map[string]want{
				"v1": {Fail, "2 of 2 methods have no authorizer: GET /swagger, OPTIONS /v1"},
			}},
	})
}
