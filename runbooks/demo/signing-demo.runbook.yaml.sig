{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "signing-demo",
        "runbook_sha256": "d9581867c6a73ef3f3b96f316265c0e7aed86bac51becbf2f8dc7ba5d038903d",
        "approved_at": "2026-12-01T22:01:59.610Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "__uu45tPw_bkPqbJp8_BQPFEp-GMu3HogWoZUDAdB3Y821yCF8lDHrm5QSZF0O_vDC1HRn11v9Xcr20TVduwCA"
    }
  ]
}
