package smoketest

import (
	"net/http"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// The operations each entry point's OpenAPI document lists, as recorded
// (openapiPaths). The fake implements only the routes the harness and the
// recording exercise; the document still lists them all, as the real one does.
var userOperations = []string{
	"DELETE /api/transfers/delete/{transfer_id}",
	"DELETE /api/vault/delete/{vault_id}",
	"DELETE /api/vault/delete/{vault_id}/{file_id}",
	"DELETE /api/vault/destroy/{vault_id}",
	"GET /api/presigned/capabilities",
	"GET /api/presigned/download-url/{transfer_id}",
	"GET /api/presigned/upload-url/{transfer_id}",
	"GET /api/transfers/check-token/{token_name}",
	"GET /api/transfers/download-base64/{transfer_id}",
	"GET /api/transfers/download/{transfer_id}",
	"GET /api/transfers/info/{transfer_id}",
	"GET /api/vault/health/{vault_id}",
	"GET /api/vault/list/{vault_id}",
	"GET /api/vault/presigned/read-url/{vault_id}/{file_id}",
	"GET /api/vault/read-base64/{vault_id}",
	"GET /api/vault/read-base64/{vault_id}/{file_id}",
	"GET /api/vault/read/{vault_id}",
	"GET /api/vault/read/{vault_id}/{file_id}",
	"GET /api/vault/zip/{vault_id}",
	"GET /info/health",
	"GET /info/server",
	"GET /info/status",
	"GET /info/version",
	"GET /info/versions",
	"POST /api/early-access/signup",
	"POST /api/presigned/cancel/{transfer_id}/{upload_id}",
	"POST /api/presigned/complete",
	"POST /api/presigned/initiate",
	"POST /api/transfers/complete/{transfer_id}",
	"POST /api/transfers/create",
	"POST /api/transfers/upload/{transfer_id}",
	"POST /api/transfers/validate-token/{token_name}",
	"POST /api/vault/batch/{vault_id}",
	"POST /api/vault/presigned/cancel/{vault_id}",
	"POST /api/vault/presigned/complete/{vault_id}",
	"POST /api/vault/presigned/initiate/{vault_id}",
	"PUT /api/vault/write/{vault_id}",
	"PUT /api/vault/write/{vault_id}/{file_id}",
}

// containerExtraOperations: the container app adds its UI entry and the cookie form.
var containerExtraOperations = []string{
	"GET /",
	"GET /auth/set-cookie-form",
	"POST /auth/set-auth-cookie",
}

var adminOperations = []string{
	"DELETE /keys/unpublish/{code}",
	"DELETE /rooms/members-remove/{room_id}/{user_id}",
	"DELETE /vault/unshare/{vault_cache_key}/{user_id}",
	"GET /admin",
	"GET /auth/set-cookie-form",
	"GET /cache/entry/{namespace}/{cache_id}",
	"GET /cache/files/{path}",
	"GET /cache/folders/{path}",
	"GET /cache/namespaces",
	"GET /health/pulse",
	"GET /info/health",
	"GET /info/server",
	"GET /info/status",
	"GET /info/version",
	"GET /info/versions",
	"GET /invites/validate/{invite_code}",
	"GET /keys/list",
	"GET /keys/log",
	"GET /keys/lookup/{code}",
	"GET /rooms/audit/{room_id}",
	"GET /rooms/list",
	"GET /rooms/lookup/{room_id}",
	"GET /rooms/members/{room_id}",
	"GET /tokens/list",
	"GET /tokens/list-details",
	"GET /tokens/lookup/{token_name}",
	"GET /users/fingerprint/{key_fingerprint}",
	"GET /users/list",
	"GET /users/lookup/{user_id}",
	"GET /vault/exists/{vault_cache_key}",
	"GET /vault/file/{vault_cache_key}/{file_guid}",
	"GET /vault/files/{vault_cache_key}",
	"GET /vault/folder/{vault_cache_key}/{folder_guid}",
	"GET /vault/folders/{vault_cache_key}",
	"GET /vault/index/{vault_cache_key}",
	"GET /vault/list-all/{vault_cache_key}",
	"GET /vault/lookup/{vault_cache_key}",
	"GET /vault/permissions/{vault_cache_key}",
	"POST /auth/set-auth-cookie",
	"POST /invites/accept/{invite_code}",
	"POST /invites/expire/{invite_code}",
	"POST /keys/publish",
	"POST /rooms/archive/{room_id}",
	"POST /rooms/create",
	"POST /rooms/invite/{room_id}",
	"POST /rooms/members-add/{room_id}",
	"POST /tokens/create",
	"POST /tokens/reactivate/{token_name}",
	"POST /tokens/revoke/{token_name}",
	"POST /tokens/update-limit/{token_name}",
	"POST /tokens/use/{token_name}",
	"POST /users/create",
	"POST /vault/create",
	"POST /vault/file",
	"POST /vault/file-assemble",
	"POST /vault/file-chunk",
	"POST /vault/folder",
	"POST /vault/index",
	"POST /vault/share/{vault_cache_key}",
}

func (a *App) openAPI(w http.ResponseWriter, r *http.Request) {
	title, desc, ops := "SGraph Send", "SGraph Send _ Zero-Knowledge Encrypted File Sharing", userOperations
	switch a.kind {
	case outputs.AdminAPI:
		title, desc, ops = "SGraph Send - Admin", "SGraph Send - Admin", adminOperations
	case outputs.ContainerApp:
		ops = append(append([]string(nil), userOperations...), containerExtraOperations...)
	}
	version := a.version
	if a.faults.WrongTitle {
		title = "Some Other App"
	}
	if a.faults.WrongVersion {
		version = "v0.26.0"
	}
	paths := map[string]map[string]any{}
	for _, op := range ops {
		method, path, _ := strings.Cut(op, " ")
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(method)] = map[string]any{"responses": map[string]any{"200": map[string]any{"description": "Successful Response"}}}
	}
	writeJSON(w, 200, map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": title, "description": desc, "version": version},
		"paths":   paths,
	})
}
