{
  "runsafe_approval": 1,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "file": "hello.runbook.yaml",
        "runbook_sha256": "4f91e2f4cd6d9039332b1ba23a129ddd28ff535d5ef4e778a7db2fc864c8cf08",
        "approved_at": "2026-11-21T23:35:51.579Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "ZDiCPZa3AV_D586nCIJea9B5AkLg5h8u_58kaw3Hd9zNLPSG2GvltFYslcvYx4NTyaF_Qo2o6PdAojeWxz58AQ"
    }
  ]
}
