// What the verifier needs from a second thread checking Ed25519 signatures (the Node one is node/signature-lane.ts).
//
// The verifier stays the only place that decides anything: a lane only answers "does this signature
// verify with this key over these bytes", batch by batch, with exactly the verdict the verifier's
// CryptoProvider would give. Tickets are handed out and taken back in order.

export interface SignatureCheck {
  signature: Uint8Array;
  message: Uint8Array;
  publicKey: Uint8Array;
}

export interface SignatureLane {
  /**
   * Hands a batch to the other thread: its ticket, or undefined when the lane cannot take it now
   * (not started yet, every slot busy, the batch too large, a key it has no native object for); the
   * caller then checks the batch itself. Throws when the lane's thread has stopped.
   */
  offer(checks: readonly SignatureCheck[]): number | undefined;
  /** The verdicts of the oldest ticket not yet taken (1 valid, 0 not), or undefined while its batch is being checked; never blocks. */
  poll(ticket: number): Uint8Array | undefined;
  /** Resolves once `ticket`'s batch is checked; rejects when the lane's thread stopped first. */
  wait(ticket: number): Promise<void>;
  /** Batches that may be out at once: the verifier keeps at most a few more pending behind them. */
  readonly slots: number;
}
