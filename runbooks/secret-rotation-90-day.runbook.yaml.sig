{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "secret-rotation-90-day",
        "runbook_sha256": "4c157b096d1077b91edcb9585b90b2088770f471c14d573b56a902a005ae8ba4",
        "approved_at": "2026-12-02T18:03:53.446Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "PaMviPdHzwFtY5V7UmHbOesW-ZWbzOA10Kqe0RnXdDMaHsjU7EuhOWxXDYRD1ITcB_8cBHyHX28gnXZJUdd5BA"
    }
  ]
}
