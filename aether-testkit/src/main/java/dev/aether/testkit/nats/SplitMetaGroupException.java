package dev.aether.testkit.nats;

/**
 * A new cluster's nodes are routed and follow one meta leader, but the leader's meta group is smaller than
 * the cluster: a start-up race of nats-server (about 1 start in 70 here) it does not recover from. Starting
 * the cluster again, with new ports and stores, helps.
 */
final class SplitMetaGroupException extends NatsServerException {

    private static final long serialVersionUID = 1L;

    SplitMetaGroupException(String message) {
        super(message);
    }
}
