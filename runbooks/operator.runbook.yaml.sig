{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "operator",
        "runbook_sha256": "044e52843427cd6e5e56dd65339d88506b1a801966e3a8c44231b9bcd165bb88",
        "approved_at": "2026-12-02T18:03:47.386Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "F8bFotgpiClQeofGzxCFGhNRnmGxySGUjcSuzh8WX8xysJe41NnMnMKUQ9rjncTFe73M21mxuOiTFJcGdQH_Cg"
    }
  ]
}
