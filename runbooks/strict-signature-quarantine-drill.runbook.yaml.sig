{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "strict-signature-quarantine-drill",
        "runbook_sha256": "3a5b5387c668a411bf3ccf8daa5c5d1fd3b781fbe5cbe8ced59bf5367936dd7d",
        "approved_at": "2026-12-02T07:22:52.975Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "cdaAaXB8ujk-Dbdmps4bwYwusPDIwJ72hl8J36hZRBpSC2y1vaHwunCtwQFfPhn8xPI58aBOlN1Z_yFfWXJ2CQ"
    }
  ]
}
