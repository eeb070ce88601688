/**
 * GossipSub's mesh and publishing options, read by the live node (p2p/libp2p.ts) and by the
 * network model (simulations/model/overlay.ts, gossip.ts). What an idle node pays per message
 * is the transport's (a Noise frame, a Yamux frame, a protobuf) once per copy and per control
 * message, so the settings that multiply copies are turned down:
 * - IDONTWANT: a node that receives a message larger than the threshold tells each of its mesh
 *   peers not to send it (one message per mesh peer), which costs more than the copies it
 *   spares for messages as small as meshnode's (snapshots, membership events, heads, reports,
 *   all well under 16 KiB); a bigger message still uses it.
 */
export const GOSSIP_MESH = {
  // An author still sends its own message to every peer of the topic (GossipSub's default):
  // with its mesh alone, in the model at 10,000 nodes (scale-10k), 51 observer-author pairs were
  // still not healthy 20 s after a partition healed and three nodes restarted.
  floodPublish: true,
  idontwantMinDataSize: 16 * 1024,
  // A mesh of 4 (3..8) instead of 6 (4..12): a node forwards each message to 3 peers, not 5, and
  // receives as many fewer copies; a mesh of 4 still spans 10,000 nodes in about 8 hops. Gossip (IHAVE) each second to
  // 4 peers outside the mesh, not to a quarter of them: what it repairs the mesh delivers anyway.
  D: 4,
  Dlo: 3,
  Dhi: 8,
  Dscore: 2,
  Dout: 1,
  Dlazy: 4,
  gossipFactor: 0.1
} as const
