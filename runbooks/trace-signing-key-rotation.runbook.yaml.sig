{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "trace-signing-key-rotation",
        "runbook_sha256": "977e84cee2678139bd0bcc0c780fe1aae9f0cf5938fe28172003d7ffc408acb0",
        "approved_at": "2026-12-03T08:30:25.329Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "kN-N0gwqsl04WNKWzmx_oGJzF_ZeGNOjuJpF2ZsInOk53Cei7ldBvWAdBV_zoqlM4Iz_0_90K7neo7ot8jtnAg"
    }
  ]
}
