{
  "runsafe_approval": 1,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "file": "signing-demo.runbook.yaml",
        "runbook_sha256": "6e7829c9b2611bfb2d550be5ad2d81e971ab30a13f8a83450fedbb181592cfee",
        "approved_at": "2026-11-21T23:41:05.449Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "gdLNVgKhh2spE8pCE3Xuh0FuU2FmhNK_l7fz6vPf4mw6Lfv8-aaQ541CqzAtqcdrm4_b_4hgSPQA3ADvkVpuCg"
    }
  ]
}
