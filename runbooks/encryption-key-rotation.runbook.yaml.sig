{
  "runsafe_approval": 1,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "file": "encryption-key-rotation.runbook.yaml",
        "runbook_sha256": "4854481e09d54ede88aa3d0d5b1d5fd3898fd7986008bfcfa26f5b20d92f199f",
        "approved_at": "2026-11-21T23:47:38.120Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "8-bTbNqP6YMJRNaNl4Ko-n0QJd-p537tbWsy3ZpO4I1Sl_2D5EYvv0xWTQSzEsJv4hr_GCR1yqva1FBs2-WyDA"
    }
  ]
}
