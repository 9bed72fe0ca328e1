package io.marketstream.replay;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;

/** Chooses the history store: Redis when one is configured (several pods), memory otherwise (one pod). */
@ApplicationScoped
public class ReplayStores {

    private static final Logger LOG = Logger.getLogger(ReplayStores.class);

    @Produces
    @ApplicationScoped
    ReplayStore store(ReplayConfig config, Config mp, Instance<ReactiveRedisDataSource> redis) {
        boolean useRedis = switch (config.store()) {
            case REDIS -> true;
            case MEMORY -> false;
            case AUTO -> mp.getOptionalValue("quarkus.redis.hosts", String.class).isPresent();
        };
        long maxAge = config.maxAge().toMillis();
        if (useRedis) {
            LOG.infof("History in Redis (key prefix %s, %d events and %s per channel)", config.keyPrefix(),
                    config.maxEvents(), config.maxAge());
            return new RedisReplayStore(redis.get(), config.keyPrefix(), config.maxEvents(), maxAge);
        }
        LOG.infof("History in memory (one pod only: set quarkus.redis.hosts for several), %d events and %s per channel",
                config.maxEvents(), config.maxAge());
        return new MemoryReplayStore(config.maxEvents(), maxAge, System::currentTimeMillis);
    }
}
