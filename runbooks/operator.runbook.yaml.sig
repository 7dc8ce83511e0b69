{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "operator",
        "runbook_sha256": "d3f2965ff4a2263ba6c0b540376e6b590cec8fc895b533078edb470b82e95f2e",
        "approved_at": "2026-12-02T07:22:47.574Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "nwo7yUUPI_a8u4q8zUO_iQHTIva_faWkuSalhha2fFoLUrGgU97coVSdXEncFJLs1CGALYuKkHR7JRwpf1S6CA"
    }
  ]
}
