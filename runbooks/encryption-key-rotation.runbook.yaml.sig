{
  "runsafe_approval": 1,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "file": "encryption-key-rotation.runbook.yaml",
        "runbook_sha256": "29599afc204651106ef4441a400b90481ef438edbcda9f3a5ecb31de17a326b6",
        "approved_at": "2026-11-21T23:57:45.138Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "G4kIVI0MzDShEn9DazU4aJ2rHcgsutH-n3F7NhNwz2vPnQru4NJOrOa-xe7KpcQ954qmOw7wabuUBvF_3yJ5CA"
    }
  ]
}
