/// The admin API described in OpenAPI 3.1, served at `GET /admin/v1/openapi.json` (in the
/// binary: no file to ship). `AdminOpenAPITests` checks it against the validator and calls
/// every operation it lists.
extension AdminAPI {
    static let openAPIDocument = #"""
{
 "openapi": "3.1.0",
 "info": {
  "title": "Switchboard admin API",
  "version": "1",
  "description": "The control plane of a Switchboard MCP gateway: the policy in force and its dry runs, API keys, delegated credentials, the human approval queue, and the audit trail. Callers need one of auth.admin_roles (or, without auth, a loopback listener). Every change made here is recorded in the audit trail (admin.action)."
 },
 "servers": [
  {
   "url": "/admin/v1"
  }
 ],
 "security": [
  {
   "bearer": []
  },
  {
   "apiKey": []
  }
 ],
 "paths": {
  "/policy": {
   "get": {
    "operationId": "getPolicy",
    "summary": "The policy in force",
    "responses": {
     "200": {
      "description": "Its version, default effect, rule ids and virtual servers",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/PolicySummary"
        }
       }
      }
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/policy/test": {
   "post": {
    "operationId": "testPolicy",
    "summary": "Dry-run a call through the policy, rule by rule",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/PolicyTest"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The decision and each rule's evaluation",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/me": {
   "get": {
    "operationId": "me",
    "summary": "The caller as the gateway sees it",
    "responses": {
     "200": {
      "description": "Its principal",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Principal"
        }
       }
      }
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/servers": {
   "get": {
    "operationId": "listServers",
    "summary": "Each server's state, protocol revision and era, and how it is reached",
    "responses": {
     "200": {
      "description": "The servers and the client sessions held now",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "servers": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/Server"
           }
          },
          "sessions": {
           "type": "integer"
          }
         },
         "required": [
          "servers",
          "sessions"
         ]
        }
       }
      }
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/catalogue": {
   "get": {
    "operationId": "catalogue",
    "summary": "The tools one caller sees, after its virtual server and the policy's hiding",
    "parameters": [
     {
      "name": "as",
      "in": "query",
      "required": false,
      "description": "An API key's name or id: the caller is that key's principal",
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "principal",
      "in": "query",
      "required": false,
      "description": "Otherwise KIND:NAME (key, jwt, cert, local) or anonymous (the default)",
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "roles",
      "in": "query",
      "required": false,
      "description": "The principal's roles, comma-separated",
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "tenant",
      "in": "query",
      "required": false,
      "description": "The principal's tenant",
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "virtualServer",
      "in": "query",
      "required": false,
      "description": "A virtual server's name (default: /mcp, everything)",
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The tools, as tools/list would list them to that caller",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "principal": {
           "type": "string"
          },
          "virtualServer": {
           "type": [
            "string",
            "null"
           ]
          },
          "tools": {
           "type": "array",
           "items": {
            "type": "object",
            "description": "An MCP Tool (name, description, inputSchema, annotations, …)"
           }
          }
         },
         "required": [
          "principal",
          "tools"
         ]
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/keys": {
   "get": {
    "operationId": "listKeys",
    "summary": "API keys (never the key text)",
    "responses": {
     "200": {
      "description": "The keys",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Key"
         }
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   },
   "post": {
    "operationId": "createKey",
    "summary": "Create an API key; the key text is in the answer, once",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/NewKey"
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "The key, with its text in key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Key"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/keys/{nameOrId}": {
   "delete": {
    "operationId": "revokeKey",
    "summary": "Revoke an API key (in force at once here, on other replicas within a second)",
    "parameters": [
     {
      "name": "nameOrId",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Key"
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/credentials": {
   "get": {
    "operationId": "listCredentials",
    "summary": "Delegated tokens stored for callers (never the token)",
    "responses": {
     "200": {
      "description": "One row per principal and server",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Credential"
         }
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   },
   "put": {
    "operationId": "putCredential",
    "summary": "Store a caller's token for a credentials.delegated server",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/NewCredential"
       }
      }
     }
    },
    "responses": {
     "204": {
      "description": "Stored"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/credentials/{server}/{principal}": {
   "delete": {
    "operationId": "removeCredential",
    "summary": "Remove a stored delegated token",
    "parameters": [
     {
      "name": "server",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "principal",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "Percent-encoded where needed (jwt:a%2Fb)"
     }
    ],
    "responses": {
     "204": {
      "description": "Removed"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/approvals": {
   "get": {
    "operationId": "listApprovals",
    "summary": "Calls held for human approval (require_approval), newest first",
    "parameters": [
     {
      "name": "state",
      "in": "query",
      "required": false,
      "schema": {
       "enum": ["pending", "approved", "denied", "used", "expired", "all"]
      },
      "description": "Default pending"
     }
    ],
    "responses": {
     "200": {
      "description": "The approvals",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Approval"
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/approvals/{id}/approve": {
   "post": {
    "operationId": "approveApproval",
    "summary": "Approve a held call: the caller's identical call then goes through (under a rule of several approvers, once enough different people other than the caller have; until then the record stays pending with approvedBy)",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ApprovalDecision"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "Approved, or counted as one of several approvers",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Approval"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/approvals/{id}/deny": {
   "post": {
    "operationId": "denyApproval",
    "summary": "Deny a held call: the caller is told who denied it and why",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ApprovalDecision"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "Denied",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Approval"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/pins": {
   "get": {
    "operationId": "listPins",
    "summary": "The definitions the guards pinned, the ones waiting for a decision first",
    "parameters": [
     {
      "name": "server",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Only this server's pins"
     },
     {
      "name": "state",
      "in": "query",
      "required": false,
      "schema": {
       "enum": [
        "pending",
        "approved",
        "drifted",
        "rejected"
       ]
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The pins",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Pin"
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/pins/export": {
   "get": {
    "operationId": "exportPins",
    "summary": "The approved pins as switchboard pins export writes them, for review in version control",
    "parameters": [
     {
      "name": "server",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The pins file",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/pins/import": {
   "post": {
    "operationId": "importPins",
    "summary": "Approve the pins of a pins file: tools matching them are listed, others wait",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "What was applied",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "applied": {
           "type": "array",
           "items": {
            "type": "object"
           },
           "description": "server, name, state and pin of each entry"
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/pins/{server}/approve": {
   "post": {
    "operationId": "approveServerPins",
    "summary": "Approve every pending and drifted pin of a server",
    "parameters": [
     {
      "name": "server",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The server's configured name"
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/PinDecision"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The pins approved",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Pin"
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/pins/{server}/{name}": {
   "get": {
    "operationId": "showPin",
    "summary": "A pin and what changed since it was approved, word by word",
    "parameters": [
     {
      "name": "server",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The server's configured name"
     },
     {
      "name": "name",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The tool's own name, or instructions"
     }
    ],
    "responses": {
     "200": {
      "description": "The pin and its diff",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "pin": {
           "$ref": "#/components/schemas/Pin"
          },
          "diff": {
           "type": "string",
           "description": "The approved definition against the one seen: [-removed-]{+added+}"
          }
         }
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/pins/{server}/{name}/approve": {
   "post": {
    "operationId": "approvePin",
    "summary": "Approve the definition last seen: listed and callable again",
    "parameters": [
     {
      "name": "server",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The server's configured name"
     },
     {
      "name": "name",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The tool's own name, or instructions"
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/PinDecision"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "Approved",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Pin"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/pins/{server}/{name}/reject": {
   "post": {
    "operationId": "rejectPin",
    "summary": "Reject the definition last seen: hidden while the server sends it",
    "parameters": [
     {
      "name": "server",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The server's configured name"
     },
     {
      "name": "name",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The tool's own name, or instructions"
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/PinDecision"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "Rejected",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Pin"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/pins/{server}/{name}/accept": {
   "post": {
    "operationId": "acceptFinding",
    "summary": "Accept one scanner finding for one tool (or withdraw the acceptance)",
    "parameters": [
     {
      "name": "server",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The server's configured name"
     },
     {
      "name": "name",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The tool's own name, or instructions"
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/FindingAcceptance"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "Accepted or withdrawn",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/audit": {
   "get": {
    "operationId": "queryAudit",
    "summary": "Search the audit trail (the store's index, or the journal when audit.store is off): the newest matching records, oldest first",
    "parameters": [
     {
      "name": "since",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "From this time on: RFC 3339, a date, or a time ago (15m, 2h, 7d)"
     },
     {
      "name": "until",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Before this time (same forms)"
     },
     {
      "name": "principal",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "The caller (key:ci-bot, jwt:alice@example.com)"
     },
     {
      "name": "tenant",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "The caller's tenant"
     },
     {
      "name": "session",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "The session id"
     },
     {
      "name": "server",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "The upstream server"
     },
     {
      "name": "tool",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "The tool, prompt or resource URI"
     },
     {
      "name": "method",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "The MCP method"
     },
     {
      "name": "decision",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "allow, deny, approval_required"
     },
     {
      "name": "outcome",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "ok, tool_error, a JSON-RPC code, or error for every outcome but ok"
     },
     {
      "name": "event",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "call.end, call.refused, session.opened, request.refused, admin.action …"
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1000,
       "default": 100
      },
      "description": "The newest this many records"
     }
    ],
    "responses": {
     "200": {
      "description": "The records as the journal holds them",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "records": {
           "type": "array",
           "items": {
            "type": "object"
           }
          }
         },
         "required": [
          "records"
         ]
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/audit/sinks": {
   "get": {
    "operationId": "auditSinks",
    "summary": "Where each audit sink stands",
    "responses": {
     "200": {
      "description": "Cursor, lag, deliveries, failures of each",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "sinks": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/Sink"
           }
          }
         },
         "required": [
          "sinks"
         ]
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/audit/verify": {
   "get": {
    "operationId": "verifyAudit",
    "summary": "Recompute the journal's hash chain and check its signed checkpoints",
    "responses": {
     "200": {
      "description": "The report; holds is false and problem names the first bad record when the chain breaks",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/VerifyReport"
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "500": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/openapi.json": {
   "get": {
    "operationId": "openAPI",
    "summary": "This document",
    "responses": {
     "200": {
      "description": "OpenAPI 3.1",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  }
 },
 "components": {
  "responses": {
   "Error": {
    "description": "A JSON object naming the error",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "Unauthorized": {
    "description": "No or bad credentials"
   },
   "Forbidden": {
    "description": "The caller has none of auth.admin_roles",
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
    "properties": {
     "error": {
      "type": "string"
     }
    },
    "required": [
     "error"
    ]
   },
   "PolicySummary": {
    "type": "object",
    "properties": {
     "version": {
      "type": "string"
     },
     "default": {
      "type": "string",
      "enum": [
       "allow",
       "deny"
      ]
     },
     "rules": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "virtualServers": {
      "type": "array",
      "items": {
       "type": "string"
      }
     }
    },
    "required": [
     "version",
     "default",
     "rules",
     "virtualServers"
    ]
   },
   "PolicyTest": {
    "type": "object",
    "properties": {
     "tool": {
      "type": "string"
     },
     "arguments": {
      "type": "object"
     },
     "as": {
      "type": "string",
      "description": "An API key's name or id to test as"
     },
     "principal": {
      "type": "string",
      "description": "KIND:NAME or anonymous"
     },
     "roles": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "tenant": {
      "type": "string"
     },
     "virtualServer": {
      "type": "string"
     }
    },
    "required": [
     "tool"
    ]
   },
   "Key": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "name": {
      "type": "string"
     },
     "status": {
      "type": "string",
      "enum": [
       "active",
       "revoked",
       "expired"
      ]
     },
     "roles": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "tenant": {
      "type": [
       "string",
       "null"
      ]
     },
     "virtualServers": {
      "type": [
       "array",
       "null"
      ],
      "items": {
       "type": "string"
      }
     },
     "createdAt": {
      "type": "string",
      "format": "date-time"
     },
     "expiresAt": {
      "type": [
       "string",
       "null"
      ]
     },
     "revokedAt": {
      "type": [
       "string",
       "null"
      ]
     },
     "lastUsedAt": {
      "type": [
       "string",
       "null"
      ]
     },
     "key": {
      "type": "string",
      "description": "Only in the answer that created it"
     }
    },
    "required": [
     "id",
     "name",
     "status",
     "roles",
     "createdAt"
    ]
   },
   "NewKey": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string"
     },
     "roles": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "tenant": {
      "type": "string"
     },
     "virtualServers": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "expires": {
      "type": "string",
      "description": "A lifetime (30d) or a date"
     }
    },
    "required": [
     "name"
    ]
   },
   "Approval": {
    "type": "object",
    "properties": {
     "id": {"type": "string"},
     "state": {"enum": ["pending", "approved", "denied", "used", "expired"]},
     "tool": {"type": "string", "description": "The federated name the caller used"},
     "server": {"type": "string"},
     "principal": {"type": "string"},
     "rule": {"type": "string"},
     "scope": {"enum": ["once", "session", "hour"]},
     "summary": {"type": "string", "description": "The argument names and kinds, never their values"},
     "createdAt": {"type": "string"},
     "expiresAt": {"type": "string"},
     "decidedBy": {"type": "string"},
     "reason": {"type": "string"},
     "decidedAt": {"type": "string"},
     "approvers": {"type": "integer", "description": "How many different people must approve, none of them the caller (policy.rules[].approval)"},
     "via": {"enum": ["client", "console"], "description": "client: the caller's client may decide; console: only out of band"},
     "approvedBy": {"type": "array", "items": {"type": "string"}, "description": "Who approved so far (a two-person rule's request stays pending until enough have)"}
    },
    "required": ["id", "state", "tool", "server", "principal"]
   },
   "ApprovalDecision": {
    "type": "object",
    "properties": {
     "reason": {"type": "string", "description": "Why, for the audit trail (required)"},
     "scope": {"enum": ["once", "session", "hour"], "description": "Approving: how far it reaches (default: approvals.scope)"}
    },
    "required": ["reason"]
   },
   "Pin": {
    "type": "object",
    "properties": {
     "server": {
      "type": "string"
     },
     "kind": {
      "enum": [
       "tool",
       "instructions"
      ]
     },
     "name": {
      "type": "string"
     },
     "state": {
      "enum": [
       "pending",
       "approved",
       "drifted",
       "rejected"
      ]
     },
     "pin": {
      "type": "string",
      "description": "SHA-256 of the canonical definition last seen"
     },
     "approved_pin": {
      "type": "string",
      "description": "SHA-256 of the definition approved, when one was"
     },
     "verdict": {
      "enum": [
       "clean",
       "warn",
       "block"
      ]
     },
     "removed": {
      "type": "boolean",
      "description": "The server no longer lists it"
     },
     "decided_by": {
      "type": "string"
     },
     "reason": {
      "type": "string"
     },
     "findings": {
      "type": "array",
      "items": {
       "type": "object"
      },
      "description": "rule, family, severity, path, excerpt"
     }
    },
    "required": [
     "server",
     "kind",
     "name",
     "state",
     "pin",
     "verdict"
    ]
   },
   "PinDecision": {
    "type": "object",
    "properties": {
     "reason": {
      "type": "string",
      "description": "Why, for the audit trail (required)"
     },
     "pin": {
      "type": "string",
      "description": "Decide only if the definition seen is still this pin (a prefix of it, as pins list shows)"
     }
    },
    "required": [
     "reason"
    ]
   },
   "FindingAcceptance": {
    "type": "object",
    "properties": {
     "rule": {
      "type": "string",
      "description": "The finding's rule"
     },
     "reason": {
      "type": "string",
      "description": "Why the finding is acceptable (required unless revoking)"
     },
     "revoke": {
      "type": "boolean",
      "description": "Withdraw an earlier acceptance instead"
     }
    },
    "required": [
     "rule"
    ]
   },
   "Credential": {
    "type": "object",
    "properties": {
     "principal": {
      "type": "string"
     },
     "server": {
      "type": "string"
     },
     "createdAt": {
      "type": "string"
     },
     "expiresAt": {
      "type": [
       "string",
       "null"
      ]
     }
    },
    "required": [
     "principal",
     "server"
    ]
   },
   "NewCredential": {
    "type": "object",
    "properties": {
     "principal": {
      "type": "string"
     },
     "server": {
      "type": "string"
     },
     "token": {
      "type": "string"
     },
     "expires": {
      "type": "string"
     }
    },
    "required": [
     "principal",
     "server",
     "token"
    ]
   },
   "Sink": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string"
     },
     "cursor": {
      "type": "integer"
     },
     "lag": {
      "type": "integer"
     },
     "delivered": {
      "type": "integer"
     },
     "failures": {
      "type": "integer"
     },
     "skipped": {
      "type": "integer"
     },
     "lastError": {
      "type": [
       "string",
       "null"
      ]
     }
    },
    "required": [
     "name",
     "cursor",
     "lag",
     "delivered",
     "failures",
     "skipped"
    ]
   },
   "VerifyReport": {
    "type": "object",
    "properties": {
     "holds": {
      "type": "boolean"
     },
     "records": {
      "type": "integer"
     },
     "segments": {
      "type": "integer"
     },
     "lastSeq": {
      "type": "integer"
     },
     "head": {
      "type": "string"
     },
     "checkpoints": {
      "type": "integer"
     },
     "lastCheckpointSeq": {
      "type": "integer"
     },
     "lastSignedSeq": {
      "type": "integer"
     },
     "uncheckedCheckpoints": {
      "type": "integer"
     },
     "problem": {
      "type": [
       "string",
       "null"
      ]
     }
    },
    "required": [
     "holds",
     "records",
     "lastSeq"
    ]
   },
   "Principal": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string",
      "description": "kind:name, as policy rules and the audit trail name it"
     },
     "kind": {
      "type": "string",
      "enum": [
       "key",
       "jwt",
       "cert",
       "local",
       "anonymous"
      ]
     },
     "name": {
      "type": "string"
     },
     "roles": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "tenant": {
      "type": [
       "string",
       "null"
      ],
      "description": "The tenant, when the credentials name one"
     },
     "virtualServers": {
      "type": [
       "array",
       "null"
      ],
      "items": {
       "type": "string"
      },
      "description": "Virtual servers this caller may use; null means every one"
     }
    },
    "required": [
     "id",
     "kind",
     "name",
     "roles"
    ]
   },
   "Server": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string"
     },
     "transport": {
      "type": "string",
      "description": "stdio, http or sse"
     },
     "state": {
      "type": "string",
      "description": "starting, ready, unavailable (backing off after a failure) or stopped"
     },
     "protocolVersion": {
      "type": [
       "string",
       "null"
      ],
      "description": "The revision agreed with the server"
     },
     "era": {
      "type": [
       "string",
       "null"
      ],
      "description": "legacy (sessions, 2025-11-25 and earlier) or modern (2026-07-28)"
     },
     "serverInfo": {
      "type": [
       "string",
       "null"
      ],
      "description": "The server's name and version, as it gave them"
     },
     "labels": {
      "type": "object",
      "additionalProperties": {
       "type": "string"
      },
      "description": "The server's labels from the config (owner, environment, risk, ...); absent when it has none"
     },
     "restarts": {
      "type": "integer"
     },
     "lastError": {
      "type": [
       "string",
       "null"
      ],
      "description": "Why it last failed"
     },
     "connection": {
      "type": [
       "string",
       "null"
      ],
      "description": "How an HTTP server is reached: TLS checks and proxy"
     },
     "oauth": {
      "type": [
       "string",
       "null"
      ],
      "description": "For a credentials.oauth server: connected (issuer, expiry) or why not"
     },
     "warning": {
      "type": [
       "string",
       "null"
      ],
      "description": "Set when TLS certificate verification is off"
     }
    },
    "required": [
     "name",
     "transport",
     "state",
     "restarts"
    ]
   }
  },
  "securitySchemes": {
   "bearer": {
    "type": "http",
    "scheme": "bearer",
    "description": "An API key (switchboard keys create) or a JWT from auth.jwt"
   },
   "apiKey": {
    "type": "apiKey",
    "in": "header",
    "name": "X-API-Key"
   }
  }
 }
}
"""#
}
