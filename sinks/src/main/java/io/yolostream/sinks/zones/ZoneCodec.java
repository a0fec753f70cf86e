package io.yolostream.sinks.zones;

import io.yolostream.sinks.avro.ZoneDefinition;
import io.yolostream.sinks.avro.ZonePoint;

import java.time.Instant;
import java.util.List;

/** Zones to and from their record on the zones topic. */
public final class ZoneCodec {
    private ZoneCodec() {
    }

    public static ZoneDefinition toRecord(ZoneSpec z, Instant updated, String origin) {
        return ZoneDefinition.newBuilder().setCameraId(z.camera()).setId(z.id()).setKind(z.kind()).setName(z.name())
                .setCoordinates(z.coordinates())
                .setPoints(z.points().stream().map(p -> new ZonePoint(p.x(), p.y())).toList())
                .setDwellLimitMs(z.dwellLimitMs()).setUpdatedTime(updated).setOrigin(origin).build();
    }

    public static ZoneSpec fromRecord(ZoneDefinition d) {
        List<Point> points = d.getPoints().stream().map(p -> new Point(p.getX(), p.getY())).toList();
        return new ZoneSpec(d.getCameraId(), d.getId(), d.getKind(), d.getName(), d.getCoordinates(), points,
                d.getDwellLimitMs());
    }
}
