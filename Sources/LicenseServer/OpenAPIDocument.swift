/// The OpenAPI 3.1 document served at `/openapi.json`: every route, parameter, body, response and error.
///
/// Conventions it states: optional response fields are absent when empty, except where a schema lists them as
/// required with a `null` type (`ActivationPreview.reason`, `ActivationPreview.previousIssuedAt`,
/// `LoginDecision.messageOfTheDay`); errors always have the shape `{"error": {"code", "message"}}`.
/// `scripts/schemathesis` checks the live server against it.
enum OpenAPIDocument {
    static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "licensing",
    "version": "1.0.0",
    "description": "License server REST API. Every route under `/api/v1/tenants` needs `Authorization: Bearer lic_…`; tenant routes need a token of that tenant (another tenant's token gets 404). Roles: `admin` may do everything in its tenant, `checker` only checks and usage counts, `reader` only reads; `operator` tokens manage tenants. Errors always have the shape `{\"error\": {\"code\", \"message\"}}`. Dates are ISO 8601 strings in UTC. Request bodies are at most 1 MiB (license packages and user imports 8 MiB); unknown JSON fields are ignored."
  },
  "security": [
    {
      "bearer": []
    }
  ],
  "tags": [
    {
      "name": "server"
    },
    {
      "name": "operator"
    },
    {
      "name": "licenses"
    },
    {
      "name": "audit"
    },
    {
      "name": "users"
    },
    {
      "name": "checks"
    },
    {
      "name": "assignments"
    },
    {
      "name": "satellites"
    },
    {
      "name": "events"
    },
    {
      "name": "usage"
    }
  ],
  "paths": {
    "/health": {
      "get": {
        "operationId": "health",
        "summary": "Liveness: answers 200 while the server runs.",
        "tags": [
          "server"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Health"
                }
              }
            }
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          }
        },
        "security": []
      }
    },
    "/metrics": {
      "get": {
        "operationId": "metrics",
        "summary": "Prometheus metrics",
        "description": "Prometheus text format 0.0.4: requests by route, method and status, latency histograms, checks granted and denied, seats in use and purchased per module.",
        "tags": [
          "server"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          }
        },
        "security": []
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "openapi",
        "summary": "This document",
        "tags": [
          "server"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          }
        },
        "security": []
      }
    },
    "/api/v1/tenants": {
      "get": {
        "operationId": "listTenants",
        "summary": "List tenants (operator tokens only)",
        "tags": [
          "operator"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TenantList"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      },
      "post": {
        "operationId": "createTenant",
        "summary": "Create a tenant (operator tokens only)",
        "description": "`trustRoot` is the root public key (JWK) packages must chain to; without it the server's `--trust-root` is used, and a server started without one answers 422.",
        "tags": [
          "operator"
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/NewTenant"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Created",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TenantSummary"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/ContentTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/licenses": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        }
      ],
      "get": {
        "operationId": "listLicenses",
        "summary": "Active license owners and their modules with seats in use (admin, reader)",
        "tags": [
          "licenses"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/LicenseList"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/licenses/{owner}/{module}": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        },
        {
          "$ref": "#/components/parameters/owner"
        },
        {
          "$ref": "#/components/parameters/module"
        }
      ],
      "get": {
        "operationId": "getModule",
        "summary": "One module's details and the users or satellites holding it (admin, reader)",
        "tags": [
          "licenses"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ModuleDetails"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/licenses/preview": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        }
      ],
      "post": {
        "operationId": "previewActivation",
        "summary": "What activating a package would change; changes nothing (admin)",
        "description": "409 `not-newer` when the package is not issued after the active one of its owner.",
        "tags": [
          "licenses"
        ],
        "requestBody": {
          "required": true,
          "description": "The license package file as written by the issuer CLI: a compact JWS (three base64url parts separated by '.'), surrounding whitespace ignored.",
          "content": {
            "text/plain": {
              "schema": {
                "$ref": "#/components/schemas/PackageFile"
              }
            },
            "application/jose": {
              "schema": {
                "$ref": "#/components/schemas/PackageFile"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ActivationPreview"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/ContentTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/licenses/activate": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        }
      ],
      "post": {
        "operationId": "activatePackage",
        "summary": "Activate a package (admin)",
        "description": "409 `count-below-in-use` when a restricted module would fall below its seats in use; 409 `not-newer` for a rollback.",
        "tags": [
          "licenses"
        ],
        "requestBody": {
          "required": true,
          "description": "The license package file as written by the issuer CLI: a compact JWS (three base64url parts separated by '.'), surrounding whitespace ignored.",
          "content": {
            "text/plain": {
              "schema": {
                "$ref": "#/components/schemas/PackageFile"
              }
            },
            "application/jose": {
              "schema": {
                "$ref": "#/components/schemas/PackageFile"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ActivationPreview"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/ContentTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/fencing": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        }
      ],
      "get": {
        "operationId": "fencing",
        "summary": "Restricted modules with their fencing level (admin, reader)",
        "tags": [
          "licenses"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FencingReport"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/counts/users": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        }
      ],
      "get": {
        "operationId": "userCounts",
        "summary": "User counts: user+web and user plans (admin, checker, reader)",
        "tags": [
          "licenses"
        ],
        "parameters": [
          {
            "name": "activeOnly",
            "in": "query",
            "required": false,
            "description": "Count only users who can log in and are not retired. `true`, `false`, `1` or `0`.",
            "schema": {
              "type": "boolean",
              "default": false
            }
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/UserCounts"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/status": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        }
      ],
      "get": {
        "operationId": "status",
        "summary": "The Status tab: database, owners with dates and warnings, seats, events (admin, reader)",
        "tags": [
          "licenses"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/StatusReport"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/verify": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        }
      ],
      "post": {
        "operationId": "verify",
        "summary": "Verify every row's signature, seal and chain (admin)",
        "description": "No request body. `ok` is false and `problems` lists the rows when anything has been tampered with.",
        "tags": [
          "licenses"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/VerifyReport"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/audit": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        }
      ],
      "get": {
        "operationId": "audit",
        "summary": "Audit entries, newest first, cursor-paged (admin, reader)",
        "tags": [
          "audit"
        ],
        "parameters": [
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "Entries per page.",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 200,
              "default": 50
            }
          },
          {
            "name": "before",
            "in": "query",
            "required": false,
            "description": "Only entries older than this sequence number: the previous page's `nextCursor`.",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 9223372036854775807
            }
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AuditPage"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/users": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        }
      ],
      "get": {
        "operationId": "listUsers",
        "summary": "Users with their effective modules (admin, reader)",
        "tags": [
          "users"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/UserList"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      },
      "post": {
        "operationId": "createUser",
        "summary": "Create a user (admin)",
        "description": "409 `duplicate` when the user name is taken. `password` only with `isAdministrator: true`.",
        "tags": [
          "users"
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/NewUser"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Created",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/User"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/ContentTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/users/import": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        }
      ],
      "post": {
        "operationId": "importUsers",
        "summary": "Import users from CSV, a long job with a user-import event (admin)",
        "description": "The whole file is checked first: 422 `invalid-input` naming the first bad line, 409 `duplicate` naming a user name taken already, and nothing is written. Then a `user-import` event (scope `database`) is raised with progress 0 of N, the users are added 500 at a time (each batch one transaction that also records the event's progress: poll `GET …/events` or see the Status tab) and the event is finished; the answer comes at the end. Should a batch fail, the import stops: the users of earlier batches stay, the event's status is `failed` with the reason as its message, and the answer is the status of what stopped it (409 for a user name taken meanwhile, 503 for the database) with how far it came in the message. 409 `event-conflict` while another import's event is active. Body at most 8 MiB.",
        "tags": [
          "users"
        ],
        "requestBody": {
          "required": true,
          "description": "RFC 4180 CSV in UTF-8: a header line naming the columns, then a user per line. Columns: `userName` (required), `type` (employee, resource, external, anonymous or system; default employee), `canLogIn` (true or false; default false), `displayName`, `email`; an empty field keeps the default. No user name twice.",
          "content": {
            "text/csv": {
              "schema": {
                "$ref": "#/components/schemas/UserCSV"
              },
              "example": "userName,type,canLogIn,displayName\nastrid,employee,true,Astrid Nordmann\nbirk,external,false,\n"
            }
          }
        },
        "responses": {
          "201": {
            "description": "Every user added; the event finished",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/UserImport"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/ContentTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/users/{userName}": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        },
        {
          "$ref": "#/components/parameters/userName"
        }
      ],
      "get": {
        "operationId": "getUser",
        "summary": "One user with its effective modules (admin, reader)",
        "tags": [
          "users"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/User"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      },
      "patch": {
        "operationId": "updateUser",
        "summary": "Change a user's flags, type, display name or email (admin)",
        "description": "Absent or null fields are left as they are.",
        "tags": [
          "users"
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/UserPatch"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/User"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/ContentTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      },
      "delete": {
        "operationId": "deleteUser",
        "summary": "Delete a user and its assignments (admin)",
        "tags": [
          "users"
        ],
        "responses": {
          "204": {
            "description": "Deleted"
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/users/{userName}/licenses": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        },
        {
          "$ref": "#/components/parameters/userName"
        }
      ],
      "get": {
        "operationId": "getUserLicenses",
        "summary": "A user's effective modules with their source (admin, reader)",
        "tags": [
          "users"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/UserLicenses"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      },
      "put": {
        "operationId": "changeUserLicenses",
        "summary": "Give a user exactly these direct licenses, in one decision (admin)",
        "description": "The user's whole set of direct licenses: at most one plan per owner, and the modules given directly. In one transaction the rows not wanted are removed (a plan with what came with it) and the wanted ones inserted (a plan with its set), or nothing changes: 409 with the rule's code and every shortfall named (`no-free-seat`, `prerequisite-missing`, `hidden-module`, `wrong-module-type`, `user-type-not-allowed`, `owner-expired`). Switching plans is one request with the new plan. 404 `unknown-module` for a key no active package has; 422 for a plan listed under `modules`, a module under `plans` or two plans of one owner. Answers the user's effective licenses afterwards, as `GET` does.",
        "tags": [
          "assignments"
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/DesiredLicenses"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/UserLicenses"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/ContentTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/users/{userName}/licenses/{owner}/{module}": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        },
        {
          "$ref": "#/components/parameters/userName"
        },
        {
          "$ref": "#/components/parameters/owner"
        },
        {
          "$ref": "#/components/parameters/module"
        }
      ],
      "get": {
        "operationId": "checkLicense",
        "summary": "The hot check: may this user use this module? (admin, checker, reader)",
        "description": "Served from the tenant's in-memory snapshot. An unknown user or module is a denial (`granted: false` with its reason), not a 404.",
        "tags": [
          "checks"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CheckDecision"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      },
      "put": {
        "operationId": "assignLicense",
        "summary": "Assign a module (a plan brings its set) to a user (admin)",
        "description": "409 with the rule's code: `no-free-seat`, `wrong-module-type`, `hidden-module`, `user-type-not-allowed`, `prerequisite-missing`, `plan-already-assigned`, `owner-expired`. Assigning a module the user already holds is not an error: `assigned` is then empty.",
        "tags": [
          "assignments"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AssignResult"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      },
      "delete": {
        "operationId": "unassignLicense",
        "summary": "Take a module (a plan: with its set) from a user (admin)",
        "description": "409 `not-assigned` or `has-dependents` (without `cascade`).",
        "tags": [
          "assignments"
        ],
        "parameters": [
          {
            "name": "cascade",
            "in": "query",
            "required": false,
            "description": "Also remove the modules that depend on this one. `true`, `false`, `1` or `0`.",
            "schema": {
              "type": "boolean",
              "default": false
            }
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/UnassignResult"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/users/{userName}/login-check": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        },
        {
          "$ref": "#/components/parameters/userName"
        }
      ],
      "post": {
        "operationId": "loginCheck",
        "summary": "May this user log in from this client? (admin, checker, reader)",
        "description": "An unknown user is a denial (`unknown-user`), not a 404.",
        "tags": [
          "checks"
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/LoginCheckRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/LoginDecision"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "413": {
            "$ref": "#/components/responses/ContentTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/satellites": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        }
      ],
      "get": {
        "operationId": "listSatellites",
        "summary": "Satellite databases and their licenses (admin, reader)",
        "tags": [
          "satellites"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SatelliteList"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      },
      "post": {
        "operationId": "createSatellite",
        "summary": "Add a satellite database (admin)",
        "tags": [
          "satellites"
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/NewSatellite"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Created",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Satellite"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/ContentTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/satellites/{satellite}/licenses/{owner}/{module}": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        },
        {
          "$ref": "#/components/parameters/satellite"
        },
        {
          "$ref": "#/components/parameters/owner"
        },
        {
          "$ref": "#/components/parameters/module"
        }
      ],
      "put": {
        "operationId": "assignSatelliteLicense",
        "summary": "Give a satellite-type module to a satellite (admin)",
        "description": "409 `no-free-seat`, `wrong-module-type` or `owner-expired`. Giving a module the satellite already holds is not an error.",
        "tags": [
          "satellites"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SatelliteAssignment"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      },
      "delete": {
        "operationId": "unassignSatelliteLicense",
        "summary": "Take a module from a satellite (admin)",
        "description": "409 `not-assigned` when the satellite does not hold the module.",
        "tags": [
          "satellites"
        ],
        "responses": {
          "204": {
            "description": "Removed"
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/events": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        }
      ],
      "get": {
        "operationId": "listEvents",
        "summary": "System events, active first, newest first (admin, reader)",
        "description": "Finishes active events whose expected finish has passed and raises license-expiring warnings first.",
        "tags": [
          "events"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/EventList"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      },
      "post": {
        "operationId": "createEvent",
        "summary": "Raise a system event (admin)",
        "description": "409 `event-conflict` when an active event of the same key already covers the scope.",
        "tags": [
          "events"
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/NewEvent"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Created",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SystemEvent"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/ContentTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/events/{id}": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        },
        {
          "$ref": "#/components/parameters/eventId"
        }
      ],
      "get": {
        "operationId": "getEvent",
        "summary": "One system event (admin, reader)",
        "tags": [
          "events"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SystemEvent"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      },
      "patch": {
        "operationId": "updateEvent",
        "summary": "Change an event's message or expected finish (admin)",
        "description": "Absent or null fields are left as they are.",
        "tags": [
          "events"
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/EventPatch"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SystemEvent"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/ContentTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      },
      "delete": {
        "operationId": "deleteEvent",
        "summary": "Delete a system event (admin)",
        "tags": [
          "events"
        ],
        "responses": {
          "204": {
            "description": "Deleted"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/events/{id}/finish": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        },
        {
          "$ref": "#/components/parameters/eventId"
        }
      ],
      "post": {
        "operationId": "finishEvent",
        "summary": "Finish an active event now (admin)",
        "description": "409 `event-conflict` when the event is not active.",
        "tags": [
          "events"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SystemEvent"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/usage/events": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        }
      ],
      "post": {
        "operationId": "ingestUsage",
        "summary": "Report usage events of metered services (admin, checker)",
        "description": "Idempotent by event id: an id seen before counts as a duplicate. A batch with any bad event is refused whole: 422 `invalid-batch` with `error.details` listing each bad event's index and reason.",
        "tags": [
          "usage"
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/UsageBatch"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/IngestResult"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "413": {
            "$ref": "#/components/responses/ContentTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/usage": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        }
      ],
      "get": {
        "operationId": "usageReport",
        "summary": "A month's usage, allowance and overage per service (admin, reader)",
        "tags": [
          "usage"
        ],
        "parameters": [
          {
            "name": "month",
            "in": "query",
            "required": false,
            "description": "The month, `YYYY-MM` (1970–9999); default the running month (UTC).",
            "schema": {
              "type": "string",
              "pattern": "^(19[7-9][0-9]|[2-9][0-9]{3})-(0[1-9]|1[0-2])$"
            },
            "example": "2026-11"
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/UsageReport"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/usage/invoice": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        }
      ],
      "get": {
        "operationId": "usageInvoice",
        "summary": "A month's invoice preview: overage lines and total (admin, reader)",
        "tags": [
          "usage"
        ],
        "parameters": [
          {
            "name": "month",
            "in": "query",
            "required": false,
            "description": "The month, `YYYY-MM` (1970–9999); default the running month (UTC).",
            "schema": {
              "type": "string",
              "pattern": "^(19[7-9][0-9]|[2-9][0-9]{3})-(0[1-9]|1[0-2])$"
            },
            "example": "2026-11"
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/InvoicePreview"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    },
    "/api/v1/tenants/{tenant}/usage/tariff": {
      "parameters": [
        {
          "$ref": "#/components/parameters/tenant"
        }
      ],
      "get": {
        "operationId": "listTariffs",
        "summary": "The tariff of every metered service (admin, reader)",
        "tags": [
          "usage"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TariffList"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      },
      "put": {
        "operationId": "setTariff",
        "summary": "Set a service's tariff (admin)",
        "description": "422 for an unknown service or a value out of its limits.",
        "tags": [
          "usage"
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/TariffInput"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Tariff"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/ContentTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "$ref": "#/components/responses/DatabaseUnavailable"
          }
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token, `lic_<id>_<secret>`, from `licensing token create`."
      }
    },
    "parameters": {
      "tenant": {
        "name": "tenant",
        "in": "path",
        "required": true,
        "description": "Tenant id: 1–63 lower case letters, digits or '-', not starting with '-'. Must be the token's tenant, else 404.",
        "schema": {
          "type": "string",
          "minLength": 1,
          "maxLength": 63,
          "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"
        },
        "example": "demo"
      },
      "userName": {
        "name": "userName",
        "in": "path",
        "required": true,
        "description": "User name, percent-encoded: 1–128 characters, no '/', '\\' or control characters, no leading or trailing spaces, not '.' or '..'. Names out of these limits: 422.",
        "schema": {
          "type": "string",
          "minLength": 1,
          "maxLength": 128,
          "pattern": "^(?!\\.{1,2}$)[^\\s/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb](?:[^/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb]*[^\\s/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb])?$"
        },
        "example": "ada"
      },
      "satellite": {
        "name": "satellite",
        "in": "path",
        "required": true,
        "description": "Satellite name, percent-encoded; the same limits as user names.",
        "schema": {
          "type": "string",
          "minLength": 1,
          "maxLength": 128,
          "pattern": "^(?!\\.{1,2}$)[^\\s/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb](?:[^/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb]*[^\\s/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb])?$"
        },
        "example": "oslo-office"
      },
      "eventId": {
        "name": "id",
        "in": "path",
        "required": true,
        "description": "Event id: a positive whole number.",
        "schema": {
          "type": "integer",
          "minimum": 1,
          "maximum": 9223372036854775807
        },
        "example": 1
      },
      "owner": {
        "name": "owner",
        "in": "path",
        "required": true,
        "description": "License owner, case-insensitive: 1–64 letters, digits, '-' or '_'.",
        "schema": {
          "type": "string",
          "minLength": 1,
          "maxLength": 64,
          "pattern": "^[A-Za-z0-9_-]{1,64}$"
        },
        "example": "superoffice"
      },
      "module": {
        "name": "module",
        "in": "path",
        "required": true,
        "description": "Module name, case-insensitive: 1–64 letters, digits, '-' or '_'.",
        "schema": {
          "type": "string",
          "minLength": 1,
          "maxLength": 64,
          "pattern": "^[A-Za-z0-9_-]{1,64}$"
        },
        "example": "web"
      }
    },
    "responses": {
      "BadRequest": {
        "description": "Malformed request: a body that is not JSON, nested too deeply or empty, a package that is not a compact JWS, or a path value that is not valid percent-encoded UTF-8.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "Unauthorized": {
        "description": "No token, or a token that is malformed, unknown or revoked. Answers carry `WWW-Authenticate: Bearer`.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        },
        "headers": {
          "WWW-Authenticate": {
            "schema": {
              "type": "string"
            },
            "description": "`Bearer`"
          }
        }
      },
      "Forbidden": {
        "description": "The token's role may not do this (checker and reader tokens, or a tenant token on an operator route).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "NotFound": {
        "description": "Unknown tenant (also a tenant other than the token's, so tenants cannot be probed), user, module or satellite.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "Conflict": {
        "description": "A rule refused: no free seat, wrong module type, prerequisite missing, not assigned, package not newer, counts below what is in use, a duplicate, or a tenant whose integrity is broken.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "ContentTooLarge": {
        "description": "The body is larger than the limit (1 MiB; 8 MiB for license packages and user imports).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "Unprocessable": {
        "description": "Well-formed but invalid: a field of the wrong type or value, a missing field, a name or query value out of its limits, a package whose signature, certificate or binding fails.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "InternalError": {
        "description": "Unexpected error; it is logged, and the answer is generic.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "DatabaseUnavailable": {
        "description": "The database did not answer within the request timeout, or the connection to it broke (code database-unavailable), or another process held the SQLite database's write lock for longer than the request timeout (code database-busy). Nothing was changed unless the database had committed it; retrying is safe.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      }
    },
    "schemas": {
      "Error": {
        "type": "object",
        "required": [
          "error"
        ],
        "properties": {
          "error": {
            "type": "object",
            "required": [
              "code",
              "message"
            ],
            "properties": {
              "code": {
                "type": "string",
                "description": "Stable machine-readable code, e.g. `unauthorized`, `forbidden`, `not-found`, `malformed`, `invalid-input`, `duplicate`, `no-free-seat`, `body-too-large`, `internal`."
              },
              "message": {
                "type": "string",
                "description": "For humans; never a stack trace."
              },
              "details": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/BatchProblem"
                },
                "description": "Only for `invalid-batch`: each bad event."
              }
            }
          }
        }
      },
      "BatchProblem": {
        "type": "object",
        "required": [
          "index",
          "reason"
        ],
        "properties": {
          "index": {
            "type": "integer",
            "minimum": 0
          },
          "reason": {
            "type": "string"
          }
        }
      },
      "Health": {
        "type": "object",
        "required": [
          "status"
        ],
        "properties": {
          "status": {
            "type": "string",
            "enum": [
              "ok"
            ]
          }
        }
      },
      "DatabaseType": {
        "type": "string",
        "enum": [
          "central",
          "satellite"
        ]
      },
      "UserType": {
        "type": "string",
        "enum": [
          "employee",
          "resource",
          "external",
          "anonymous",
          "system"
        ]
      },
      "ModuleType": {
        "type": "string",
        "enum": [
          "site",
          "satellite",
          "user"
        ]
      },
      "FencingLevel": {
        "type": "string",
        "enum": [
          "ok",
          "nearing",
          "reached"
        ]
      },
      "ModuleSource": {
        "type": "string",
        "enum": [
          "site",
          "assigned",
          "plan"
        ]
      },
      "CheckReason": {
        "type": "string",
        "enum": [
          "granted",
          "unknown-user",
          "unknown-module",
          "not-licensed",
          "owner-expired",
          "user-retired",
          "cannot-log-in",
          "waiting-for-approval",
          "missing-user-license",
          "missing-client-license",
          "tenant-integrity",
          "user-integrity",
          "module-integrity",
          "no-login-event",
          "event-integrity"
        ]
      },
      "TenantSummary": {
        "type": "object",
        "required": [
          "id",
          "companyName",
          "serialNumber",
          "databaseType"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "companyName": {
            "type": "string"
          },
          "serialNumber": {
            "type": "string"
          },
          "databaseType": {
            "$ref": "#/components/schemas/DatabaseType"
          }
        }
      },
      "TenantList": {
        "type": "object",
        "required": [
          "tenants"
        ],
        "properties": {
          "tenants": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/TenantSummary"
            }
          }
        }
      },
      "JWK": {
        "type": "object",
        "description": "An Ed25519 JSON Web Key (RFC 8037); only the public part is kept.",
        "required": [
          "kty",
          "crv",
          "x"
        ],
        "properties": {
          "kty": {
            "type": "string",
            "description": "`OKP`"
          },
          "crv": {
            "type": "string",
            "description": "`Ed25519`"
          },
          "x": {
            "type": "string",
            "description": "The public key, base64url."
          },
          "d": {
            "type": [
              "string",
              "null"
            ]
          },
          "kid": {
            "type": [
              "string",
              "null"
            ]
          },
          "use": {
            "type": [
              "string",
              "null"
            ]
          },
          "alg": {
            "type": [
              "string",
              "null"
            ]
          },
          "certificate": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "NewTenant": {
        "type": "object",
        "description": "Unknown fields are ignored.",
        "required": [
          "id",
          "companyName",
          "serialNumber"
        ],
        "properties": {
          "id": {
            "type": "string",
            "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"
          },
          "companyName": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "pattern": "^(?!\\.{1,2}$)[^\\s/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb](?:[^/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb]*[^\\s/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb])?$"
          },
          "serialNumber": {
            "type": "string",
            "minLength": 1,
            "maxLength": 64,
            "pattern": "^(?!\\.{1,2}$)[^\\s/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb](?:[^/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb]*[^\\s/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb])?$"
          },
          "databaseType": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/DatabaseType"
              },
              {
                "type": "null"
              }
            ],
            "description": "Default `central`."
          },
          "databaseOwner": {
            "type": [
              "string",
              "null"
            ],
            "minLength": 1,
            "maxLength": 200,
            "pattern": "^(?!\\.{1,2}$)[^\\s/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb](?:[^/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb]*[^\\s/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb])?$",
            "description": "Default: the company name."
          },
          "trustRoot": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/JWK"
              },
              {
                "type": "null"
              }
            ]
          }
        }
      },
      "OwnerDateStatus": {
        "type": "object",
        "required": [
          "adminWarning",
          "expired",
          "inGrace",
          "grantsNothing",
          "updateCheckDue"
        ],
        "properties": {
          "adminWarning": {
            "type": "boolean"
          },
          "expired": {
            "type": "boolean"
          },
          "inGrace": {
            "type": "boolean"
          },
          "grantsNothing": {
            "type": "boolean"
          },
          "updateCheckDue": {
            "type": "boolean"
          }
        }
      },
      "LicenseModule": {
        "type": "object",
        "description": "Optional fields are absent when empty.",
        "required": [
          "name",
          "type",
          "total",
          "inUse",
          "free",
          "unrestricted",
          "hidden",
          "isPlan",
          "extraFlags",
          "planModules",
          "allowedUserTypes",
          "fencing"
        ],
        "properties": {
          "name": {
            "type": "string"
          },
          "description": {
            "type": [
              "string",
              "null"
            ]
          },
          "tooltip": {
            "type": [
              "string",
              "null"
            ]
          },
          "type": {
            "$ref": "#/components/schemas/ModuleType"
          },
          "total": {
            "type": "integer"
          },
          "inUse": {
            "type": "integer"
          },
          "free": {
            "type": "integer"
          },
          "unrestricted": {
            "type": "boolean"
          },
          "hidden": {
            "type": "boolean"
          },
          "isPlan": {
            "type": "boolean"
          },
          "extraFlags": {
            "type": "integer"
          },
          "extraInfo": {
            "type": [
              "string",
              "null"
            ]
          },
          "planModules": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "prerequisite": {
            "type": [
              "string",
              "null"
            ]
          },
          "allowedUserTypes": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/UserType"
            }
          },
          "fencing": {
            "$ref": "#/components/schemas/FencingLevel"
          }
        }
      },
      "LicenseOwner": {
        "type": "object",
        "description": "Optional fields are absent when empty.",
        "required": [
          "name",
          "issuedAt",
          "status",
          "modules"
        ],
        "properties": {
          "name": {
            "type": "string"
          },
          "description": {
            "type": [
              "string",
              "null"
            ]
          },
          "issuedAt": {
            "type": "string",
            "format": "date-time"
          },
          "expiresAt": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "graceUntil": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "maintenanceUntil": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "adminWarningAt": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "nextCheckAt": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "status": {
            "$ref": "#/components/schemas/OwnerDateStatus"
          },
          "modules": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/LicenseModule"
            }
          }
        }
      },
      "LicenseList": {
        "type": "object",
        "required": [
          "companyName",
          "serialNumber",
          "owners"
        ],
        "properties": {
          "companyName": {
            "type": "string"
          },
          "serialNumber": {
            "type": "string"
          },
          "owners": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/LicenseOwner"
            }
          }
        }
      },
      "ModuleDetails": {
        "type": "object",
        "required": [
          "owner",
          "module",
          "holders"
        ],
        "properties": {
          "owner": {
            "type": "string"
          },
          "module": {
            "$ref": "#/components/schemas/LicenseModule"
          },
          "holders": {
            "type": "array",
            "items": {
              "type": "string"
            }
          }
        }
      },
      "PackageFile": {
        "type": "string",
        "description": "A compact JWS: BASE64URL(header).BASE64URL(payload).BASE64URL(signature)."
      },
      "ModuleDiff": {
        "type": "object",
        "required": [
          "owner",
          "name",
          "type",
          "currentTotal",
          "inUse",
          "newTotal",
          "added",
          "newFree",
          "mustRemove",
          "unrestricted",
          "holders"
        ],
        "properties": {
          "owner": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "type": {
            "$ref": "#/components/schemas/ModuleType"
          },
          "currentTotal": {
            "type": "integer"
          },
          "inUse": {
            "type": "integer"
          },
          "newTotal": {
            "type": "integer"
          },
          "added": {
            "type": "integer"
          },
          "newFree": {
            "type": "integer"
          },
          "mustRemove": {
            "type": "integer"
          },
          "unrestricted": {
            "type": "boolean"
          },
          "holders": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Filled where `mustRemove` > 0."
          }
        }
      },
      "ActivationPreview": {
        "type": "object",
        "required": [
          "canBeActivated",
          "reason",
          "owner",
          "issuedAt",
          "previousIssuedAt",
          "modules"
        ],
        "properties": {
          "canBeActivated": {
            "type": "boolean"
          },
          "reason": {
            "type": [
              "string",
              "null"
            ],
            "description": "Why the package cannot be activated; null when it can."
          },
          "owner": {
            "type": "string"
          },
          "issuedAt": {
            "type": "string",
            "format": "date-time"
          },
          "previousIssuedAt": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "modules": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/ModuleDiff"
            }
          }
        }
      },
      "FencingEntry": {
        "type": "object",
        "required": [
          "owner",
          "module",
          "total",
          "inUse",
          "level"
        ],
        "properties": {
          "owner": {
            "type": "string"
          },
          "module": {
            "type": "string"
          },
          "total": {
            "type": "integer"
          },
          "inUse": {
            "type": "integer"
          },
          "level": {
            "$ref": "#/components/schemas/FencingLevel"
          }
        }
      },
      "FencingReport": {
        "type": "object",
        "required": [
          "modules"
        ],
        "properties": {
          "modules": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/FencingEntry"
            }
          }
        }
      },
      "SeatCount": {
        "type": "object",
        "required": [
          "purchased",
          "inUse"
        ],
        "properties": {
          "purchased": {
            "type": "integer"
          },
          "inUse": {
            "type": "integer"
          }
        }
      },
      "UserCounts": {
        "type": "object",
        "required": [
          "userWeb",
          "plans",
          "activeOnly"
        ],
        "properties": {
          "userWeb": {
            "$ref": "#/components/schemas/SeatCount"
          },
          "plans": {
            "$ref": "#/components/schemas/SeatCount"
          },
          "activeOnly": {
            "type": "boolean"
          }
        }
      },
      "SystemEvent": {
        "type": "object",
        "description": "Optional fields are absent when empty.",
        "required": [
          "id",
          "key",
          "scope",
          "status",
          "message",
          "activatedAt",
          "activatedBy",
          "systemWide"
        ],
        "properties": {
          "id": {
            "type": "integer"
          },
          "key": {
            "type": "string"
          },
          "scope": {
            "type": "string",
            "enum": [
              "system",
              "database",
              "group",
              "user"
            ]
          },
          "scopeOwner": {
            "type": "string"
          },
          "status": {
            "type": "string",
            "description": "Only an `active` event has an effect. `failed`: a long job (`user-import`) that stopped before its end; the message says why and how far it came.",
            "enum": [
              "active",
              "finished",
              "cancelled",
              "failed"
            ]
          },
          "message": {
            "type": "string"
          },
          "activatedAt": {
            "type": "string",
            "format": "date-time"
          },
          "activatedBy": {
            "type": "string"
          },
          "expectedFinish": {
            "type": "string",
            "format": "date-time"
          },
          "finishedAt": {
            "type": "string",
            "format": "date-time"
          },
          "systemWide": {
            "type": "boolean"
          },
          "progressDone": {
            "type": "integer"
          },
          "progressTotal": {
            "type": "integer"
          }
        }
      },
      "EventList": {
        "type": "object",
        "required": [
          "events"
        ],
        "properties": {
          "events": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/SystemEvent"
            }
          }
        }
      },
      "NewEvent": {
        "type": "object",
        "description": "Unknown fields are ignored.",
        "required": [
          "key",
          "message"
        ],
        "properties": {
          "key": {
            "type": "string",
            "pattern": "^[a-z0-9-]{1,64}$",
            "description": "`no-login`, `no-freetext`, `no-travel`, `message-of-the-day`, or another key."
          },
          "message": {
            "type": "string",
            "minLength": 1,
            "maxLength": 2000,
            "pattern": "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb]*$"
          },
          "scope": {
            "oneOf": [
              {
                "type": "string",
                "enum": [
                  "system",
                  "database",
                  "group",
                  "user"
                ]
              },
              {
                "type": "null"
              }
            ],
            "description": "Default `system`."
          },
          "owner": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 128,
            "pattern": "^(?!\\.{1,2}$)[^\\s/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb](?:[^/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb]*[^\\s/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb])?$",
            "description": "The user or group name of a `user` or `group` event; none for `system` and `database`."
          },
          "expectedFinish": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          }
        }
      },
      "EventPatch": {
        "type": "object",
        "description": "Absent or null fields are left as they are. Unknown fields are ignored.",
        "required": [],
        "properties": {
          "message": {
            "type": [
              "string",
              "null"
            ],
            "minLength": 1,
            "maxLength": 2000,
            "pattern": "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb]*$"
          },
          "expectedFinish": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          }
        }
      },
      "Aggregation": {
        "type": "string",
        "enum": [
          "sum",
          "max",
          "count",
          "unique"
        ]
      },
      "Month": {
        "type": "string",
        "pattern": "^[0-9]{4}-[0-9]{2}$",
        "description": "`YYYY-MM`"
      },
      "UsageEvent": {
        "type": "object",
        "required": [
          "id",
          "service",
          "quantity",
          "occurredAt"
        ],
        "properties": {
          "id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 128,
            "pattern": "^[\\u0020-\\u007e]+$",
            "description": "Unique per event, printable ASCII: a repeat is a duplicate."
          },
          "service": {
            "type": "string",
            "description": "A metered service: `storage`, `mailing-emails`, `customer-centre-logins`, `chat-sessions`, `form-submissions`, or one the tenant defined."
          },
          "quantity": {
            "type": "integer",
            "minimum": 0,
            "maximum": 1000000000000000
          },
          "occurredAt": {
            "type": "string",
            "format": "date-time",
            "description": "Not before the previous month, not more than 5 minutes ahead."
          },
          "subject": {
            "type": [
              "string",
              "null"
            ],
            "description": "Required (1–256 characters) for services counted by distinct subject."
          }
        }
      },
      "UsageBatch": {
        "type": "object",
        "description": "Unknown fields are ignored.",
        "required": [
          "events"
        ],
        "properties": {
          "events": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/UsageEvent"
            },
            "minItems": 1,
            "maxItems": 1000
          }
        }
      },
      "IngestResult": {
        "type": "object",
        "required": [
          "accepted",
          "duplicates",
          "thresholdEvents"
        ],
        "properties": {
          "accepted": {
            "type": "integer"
          },
          "duplicates": {
            "type": "integer"
          },
          "thresholdEvents": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Messages of the threshold events (85 %, 100 %) this batch raised."
          }
        }
      },
      "ServiceUsage": {
        "type": "object",
        "required": [
          "service",
          "unit",
          "aggregation",
          "usage",
          "allowance",
          "remaining",
          "overageUnits",
          "overageAmount",
          "currency",
          "percentUsed",
          "users"
        ],
        "properties": {
          "service": {
            "type": "string"
          },
          "unit": {
            "type": "string"
          },
          "aggregation": {
            "$ref": "#/components/schemas/Aggregation"
          },
          "usage": {
            "type": "integer"
          },
          "allowance": {
            "type": "integer"
          },
          "remaining": {
            "type": "integer"
          },
          "overageUnits": {
            "type": "integer"
          },
          "overageAmount": {
            "type": "number"
          },
          "currency": {
            "type": "string"
          },
          "percentUsed": {
            "type": "number"
          },
          "users": {
            "type": "integer"
          }
        }
      },
      "UsageReport": {
        "type": "object",
        "required": [
          "month",
          "users",
          "services"
        ],
        "properties": {
          "month": {
            "$ref": "#/components/schemas/Month"
          },
          "users": {
            "type": "integer"
          },
          "services": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/ServiceUsage"
            }
          }
        }
      },
      "InvoiceLine": {
        "type": "object",
        "required": [
          "service",
          "usage",
          "allowance",
          "overageUnits",
          "unitSize",
          "pricePerUnit",
          "amount",
          "currency"
        ],
        "properties": {
          "service": {
            "type": "string"
          },
          "usage": {
            "type": "integer"
          },
          "allowance": {
            "type": "integer"
          },
          "overageUnits": {
            "type": "integer"
          },
          "unitSize": {
            "type": "integer"
          },
          "pricePerUnit": {
            "type": "number"
          },
          "amount": {
            "type": "number"
          },
          "currency": {
            "type": "string"
          }
        }
      },
      "InvoicePreview": {
        "type": "object",
        "required": [
          "month",
          "lines",
          "total",
          "currency"
        ],
        "properties": {
          "month": {
            "$ref": "#/components/schemas/Month"
          },
          "lines": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/InvoiceLine"
            }
          },
          "total": {
            "type": "number"
          },
          "currency": {
            "type": "string"
          }
        }
      },
      "Tariff": {
        "type": "object",
        "required": [
          "service",
          "includedBase",
          "includedPerUser",
          "unitSize",
          "pricePerUnit",
          "currency"
        ],
        "properties": {
          "service": {
            "type": "string"
          },
          "includedBase": {
            "type": "integer"
          },
          "includedPerUser": {
            "type": "integer"
          },
          "unitSize": {
            "type": "integer"
          },
          "pricePerUnit": {
            "type": "number"
          },
          "currency": {
            "type": "string"
          }
        }
      },
      "TariffList": {
        "type": "object",
        "required": [
          "tariffs"
        ],
        "properties": {
          "tariffs": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Tariff"
            }
          }
        }
      },
      "TariffInput": {
        "type": "object",
        "description": "Unknown fields are ignored.",
        "required": [
          "service",
          "includedBase",
          "includedPerUser",
          "unitSize",
          "pricePerUnit",
          "currency"
        ],
        "properties": {
          "service": {
            "type": "string",
            "description": "A metered service of the tenant."
          },
          "includedBase": {
            "type": "integer",
            "minimum": 0,
            "maximum": 9223372036854775807
          },
          "includedPerUser": {
            "type": "integer",
            "minimum": 0,
            "maximum": 9223372036854775807
          },
          "unitSize": {
            "type": "integer",
            "minimum": 1,
            "maximum": 9223372036854775807
          },
          "pricePerUnit": {
            "type": "number",
            "minimum": 0,
            "maximum": 1000000
          },
          "currency": {
            "type": "string",
            "pattern": "^[A-Z]{3}$",
            "description": "ISO 4217, e.g. `EUR`."
          }
        }
      },
      "StatusDatabase": {
        "type": "object",
        "required": [
          "companyName",
          "serialNumber",
          "type"
        ],
        "properties": {
          "companyName": {
            "type": "string"
          },
          "owner": {
            "type": "string"
          },
          "serialNumber": {
            "type": "string"
          },
          "type": {
            "$ref": "#/components/schemas/DatabaseType"
          },
          "nextExpiry": {
            "type": "string",
            "format": "date-time"
          },
          "loggedOnUser": {
            "type": "string"
          }
        }
      },
      "StatusOwner": {
        "type": "object",
        "required": [
          "name",
          "issuedAt",
          "status",
          "warnings"
        ],
        "properties": {
          "name": {
            "type": "string"
          },
          "description": {
            "type": "string"
          },
          "issuedAt": {
            "type": "string",
            "format": "date-time"
          },
          "expiresAt": {
            "type": "string",
            "format": "date-time"
          },
          "graceUntil": {
            "type": "string",
            "format": "date-time"
          },
          "maintenanceUntil": {
            "type": "string",
            "format": "date-time"
          },
          "adminWarningAt": {
            "type": "string",
            "format": "date-time"
          },
          "nextCheckAt": {
            "type": "string",
            "format": "date-time"
          },
          "status": {
            "$ref": "#/components/schemas/OwnerDateStatus"
          },
          "warnings": {
            "type": "array",
            "items": {
              "type": "string"
            }
          }
        }
      },
      "StatusReport": {
        "type": "object",
        "required": [
          "database",
          "tenantIntact",
          "owners",
          "seats",
          "events"
        ],
        "properties": {
          "database": {
            "$ref": "#/components/schemas/StatusDatabase"
          },
          "tenantIntact": {
            "type": "boolean"
          },
          "owners": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/StatusOwner"
            }
          },
          "seats": {
            "$ref": "#/components/schemas/UserCounts"
          },
          "events": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/SystemEvent"
            }
          }
        }
      },
      "IntegrityProblem": {
        "type": "object",
        "required": [
          "table",
          "key",
          "problem"
        ],
        "properties": {
          "table": {
            "type": "string"
          },
          "key": {
            "type": "string"
          },
          "problem": {
            "type": "string"
          }
        }
      },
      "VerifyReport": {
        "type": "object",
        "required": [
          "ok",
          "problems"
        ],
        "properties": {
          "ok": {
            "type": "boolean"
          },
          "problems": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/IntegrityProblem"
            }
          }
        }
      },
      "AuditEntry": {
        "type": "object",
        "required": [
          "sequence",
          "at",
          "actor",
          "action",
          "target",
          "previousSeal"
        ],
        "properties": {
          "sequence": {
            "type": "integer"
          },
          "at": {
            "type": "string",
            "format": "date-time"
          },
          "actor": {
            "type": "string"
          },
          "action": {
            "type": "string"
          },
          "target": {
            "type": "string"
          },
          "before": {
            "type": "string"
          },
          "after": {
            "type": "string"
          },
          "previousSeal": {
            "type": "string"
          }
        }
      },
      "AuditPage": {
        "type": "object",
        "required": [
          "entries"
        ],
        "properties": {
          "entries": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/AuditEntry"
            }
          },
          "nextCursor": {
            "type": "integer",
            "minimum": 2,
            "description": "Pass as `before` for the next (older) page; absent on the last page."
          }
        }
      },
      "UserModule": {
        "type": "object",
        "required": [
          "module",
          "owner",
          "name",
          "source"
        ],
        "properties": {
          "module": {
            "type": "string",
            "description": "`owner.module`, owner in lower case."
          },
          "owner": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "source": {
            "$ref": "#/components/schemas/ModuleSource"
          }
        }
      },
      "User": {
        "type": "object",
        "description": "Optional fields are absent when empty.",
        "required": [
          "id",
          "userName",
          "type",
          "canLogIn",
          "retired",
          "waitingForApproval",
          "isAdministrator",
          "modules"
        ],
        "properties": {
          "id": {
            "type": "integer"
          },
          "userName": {
            "type": "string"
          },
          "displayName": {
            "type": "string"
          },
          "email": {
            "type": "string"
          },
          "type": {
            "$ref": "#/components/schemas/UserType"
          },
          "canLogIn": {
            "type": "boolean"
          },
          "retired": {
            "type": "boolean"
          },
          "waitingForApproval": {
            "type": "boolean"
          },
          "isAdministrator": {
            "type": "boolean"
          },
          "modules": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/UserModule"
            }
          }
        }
      },
      "UserList": {
        "type": "object",
        "required": [
          "users"
        ],
        "properties": {
          "users": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/User"
            }
          }
        }
      },
      "UserLicenses": {
        "type": "object",
        "required": [
          "userName",
          "modules"
        ],
        "properties": {
          "userName": {
            "type": "string"
          },
          "modules": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/UserModule"
            }
          }
        }
      },
      "DesiredLicenses": {
        "type": "object",
        "description": "A user's whole set of direct licenses. Keys are `owner.module`, the owner case-insensitive. Unknown fields are ignored.",
        "required": [
          "plans",
          "modules"
        ],
        "properties": {
          "plans": {
            "type": "array",
            "maxItems": 256,
            "description": "At most one plan per owner; an empty list takes every plan away.",
            "items": {
              "$ref": "#/components/schemas/ModuleKeyText"
            }
          },
          "modules": {
            "type": "array",
            "maxItems": 256,
            "description": "The modules given directly (not plans); modules a plan brings need not be listed.",
            "items": {
              "$ref": "#/components/schemas/ModuleKeyText"
            }
          }
        }
      },
      "UserCSV": {
        "type": "string",
        "description": "CSV text: `userName,type,canLogIn,displayName,email` (any order, only `userName` required) on the first line, a user per line after it."
      },
      "UserImport": {
        "type": "object",
        "required": [
          "imported",
          "event"
        ],
        "properties": {
          "imported": {
            "type": "integer",
            "minimum": 1,
            "description": "Users added: every one of the file."
          },
          "event": {
            "$ref": "#/components/schemas/SystemEvent"
          }
        }
      },
      "ModuleKeyText": {
        "type": "string",
        "description": "`owner.module`: the owner 1–64 letters, digits, '-' or '_' (case-insensitive), the module 1–64 letters, digits, '-' or '_'.",
        "pattern": "^[A-Za-z0-9_-]{1,64}\\.[A-Za-z0-9_-]{1,64}$"
      },
      "NewUser": {
        "type": "object",
        "description": "Unknown fields are ignored.",
        "required": [
          "userName"
        ],
        "properties": {
          "userName": {
            "type": "string",
            "minLength": 1,
            "maxLength": 128,
            "pattern": "^(?!\\.{1,2}$)[^\\s/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb](?:[^/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb]*[^\\s/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb])?$"
          },
          "type": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/UserType"
              },
              {
                "type": "null"
              }
            ],
            "description": "Default `employee`."
          },
          "canLogIn": {
            "type": [
              "boolean",
              "null"
            ],
            "description": "Default false."
          },
          "isAdministrator": {
            "type": [
              "boolean",
              "null"
            ],
            "description": "Default false."
          },
          "displayName": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 200,
            "pattern": "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb]*$"
          },
          "email": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 254,
            "pattern": "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb]*$"
          },
          "password": {
            "type": [
              "string",
              "null"
            ],
            "minLength": 8,
            "maxLength": 72,
            "description": "Only for administrators (`isAdministrator: true`): the admin pages' password, 8 to 72 characters and at most 72 bytes in UTF-8 (the most bcrypt reads), stored as a bcrypt hash."
          }
        },
        "if": {
          "properties": {
            "password": {
              "type": "string"
            }
          },
          "required": [
            "password"
          ]
        },
        "then": {
          "properties": {
            "isAdministrator": {
              "const": true
            }
          },
          "required": [
            "isAdministrator"
          ]
        }
      },
      "UserPatch": {
        "type": "object",
        "description": "Absent or null fields are left as they are. Unknown fields are ignored.",
        "required": [],
        "properties": {
          "canLogIn": {
            "type": [
              "boolean",
              "null"
            ]
          },
          "retired": {
            "type": [
              "boolean",
              "null"
            ]
          },
          "waitingForApproval": {
            "type": [
              "boolean",
              "null"
            ]
          },
          "isAdministrator": {
            "type": [
              "boolean",
              "null"
            ]
          },
          "type": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/UserType"
              },
              {
                "type": "null"
              }
            ]
          },
          "displayName": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 200,
            "pattern": "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb]*$"
          },
          "email": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 254,
            "pattern": "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb]*$"
          }
        }
      },
      "CheckDecision": {
        "type": "object",
        "required": [
          "granted",
          "reason"
        ],
        "properties": {
          "granted": {
            "type": "boolean"
          },
          "reason": {
            "$ref": "#/components/schemas/CheckReason"
          }
        }
      },
      "AssignResult": {
        "type": "object",
        "required": [
          "userName",
          "module",
          "assigned"
        ],
        "properties": {
          "userName": {
            "type": "string"
          },
          "module": {
            "type": "string"
          },
          "assigned": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "The rows added: the module, and a plan's set."
          }
        }
      },
      "UnassignResult": {
        "type": "object",
        "required": [
          "userName",
          "module",
          "removed"
        ],
        "properties": {
          "userName": {
            "type": "string"
          },
          "module": {
            "type": "string"
          },
          "removed": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "The rows removed, `owner.module` with ` (via plan)` for rows that came with a plan."
          }
        }
      },
      "LoginCheckRequest": {
        "type": "object",
        "description": "Unknown fields are ignored.",
        "required": [
          "client"
        ],
        "properties": {
          "client": {
            "type": "string",
            "enum": [
              "web",
              "windows"
            ]
          }
        }
      },
      "LoginDecision": {
        "type": "object",
        "required": [
          "allowed",
          "reasons",
          "messageOfTheDay"
        ],
        "properties": {
          "allowed": {
            "type": "boolean"
          },
          "reasons": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/CheckReason"
            }
          },
          "messageOfTheDay": {
            "type": [
              "string",
              "null"
            ],
            "description": "The active message of the day; null when there is none."
          },
          "noLoginMessage": {
            "type": "string",
            "description": "The message of the active no-login event that denied the login; absent otherwise."
          }
        }
      },
      "Satellite": {
        "type": "object",
        "required": [
          "name",
          "createdAt",
          "modules"
        ],
        "properties": {
          "name": {
            "type": "string"
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "modules": {
            "type": "array",
            "items": {
              "type": "string"
            }
          }
        }
      },
      "SatelliteList": {
        "type": "object",
        "required": [
          "satellites"
        ],
        "properties": {
          "satellites": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Satellite"
            }
          }
        }
      },
      "NewSatellite": {
        "type": "object",
        "description": "Unknown fields are ignored.",
        "required": [
          "name"
        ],
        "properties": {
          "name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 128,
            "pattern": "^(?!\\.{1,2}$)[^\\s/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb](?:[^/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb]*[^\\s/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb])?$"
          }
        }
      },
      "SatelliteAssignment": {
        "type": "object",
        "required": [
          "satellite",
          "module"
        ],
        "properties": {
          "satellite": {
            "type": "string"
          },
          "module": {
            "type": "string"
          }
        }
      }
    }
  }
}
"""#
}
