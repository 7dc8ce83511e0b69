{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "trace-signing-key-rotation",
        "runbook_sha256": "ddcbf5e7a41a533158ee05c9adf5c9acb3ae63e1e99a503c3defb3e68f5f0d8c",
        "approved_at": "2026-12-01T23:50:07.786Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "2eIOKleDvlqf03x8nQ4Zr-Zff2beqPan3dHtt3f9FS8AMjk87oaU46cUa4Dn6VQWxjBXyTBSi9jy4UkFnrEJDA"
    }
  ]
}
