/* test_edge_error.c - the parcel probability uses the error of the boundary piece
 * nearest the point (issue 10, src/query/edge_error.c, certainty.c): a ~950 m
 * square whose compiled provenance puts its west edge on 西路 (±20 m) and its east
 * edge on 东路 (±300 m); the parcel's own error_m (100 m) holds for the rest (south
 * and north). A gazetteer with the two roads is written to a temp PARKGIS_DATA. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parkgis.h"
#include "parkgis_query.h"
#include "test.h"

int main(void) {
    char dir[] = "/tmp/parkgis-test-edge-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char p[1024];
    snprintf(p, sizeof p, "%s/gazetteer", dir);
    mkdir(p, 0777);
    snprintf(p, sizeof p, "%s/gazetteer/roads.geojson", dir);
    test_put_file(p, "{\"type\":\"FeatureCollection\",\"features\":["
             "{\"type\":\"Feature\",\"properties\":{\"name\":\"西路\",\"aliases\":\"\",\"kind\":\"road\",\"provenance\":\"osm\",\"method\":\"test\",\"error_m\":20},"
             "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[121.4,31.399],[121.4,31.411]]}},"
             "{\"type\":\"Feature\",\"properties\":{\"name\":\"东路\",\"aliases\":\"\",\"kind\":\"road\",\"provenance\":\"approximate\",\"method\":\"test\",\"error_m\":300},"
             "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[121.41,31.399],[121.41,31.411]]}}]}\n");
    snprintf(p, sizeof p, "%s/parcels.geojson", dir);
    test_put_file(p, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"id\":\"sq\",\"name\":\"方园\",\"error_m\":100,"
             "\"provenance\":\"{\\\"error_m\\\":100,\\\"pieces\\\":[[\\\"西\\\",\\\"西路\\\",\\\"osm\\\",1112,20,\\\"西路\\\"],"
             "[\\\"东\\\",\\\"东路\\\",\\\"approximate\\\",1112,300,\\\"东路\\\"],[\\\"南\\\",\\\"(gap)\\\",\\\"approximate\\\",950,475,\\\"\\\"]]}\"},"
             "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[121.4,31.4],[121.41,31.4],[121.41,31.41],[121.4,31.41],[121.4,31.4]]]}}]}\n");
    setenv("PARKGIS_DATA", dir, 1);
    park_ctx *ctx = park_ctx_new();
    park_layer *layer = NULL;
    CHECK(park_layer_read(ctx, p, NULL, NULL, &layer) == PARK_OK);
    if (!layer) return test_summary();
    double pr[2];
    int unv = -1;
    /* 60 m inside each edge, mid-way along it (1 degree of longitude here: about 95,030 m) */
    double in60 = 60.0 / 95030.0;
    CHECK(park_locate_probability(ctx, layer, 121.4 + in60, 31.405, 0, pr, &unv) == PARK_OK);
    CHECK_NEAR(pr[0], test_phi(60.0 / 20.0), 0.01); /* the west edge: ±20 m, about 0.999 */
    CHECK(unv == 0);
    CHECK(park_locate_probability(ctx, layer, 121.41 - in60, 31.405, 0, pr, &unv) == PARK_OK);
    CHECK_NEAR(pr[0], test_phi(60.0 / 300.0), 0.01); /* the east edge: ±300 m, about 0.58 */
    CHECK_NEAR(pr[1], 1 - pr[0], 1e-9);          /* the rest is "outside" */
    CHECK(park_locate_probability(ctx, layer, 121.405, 31.4 + 60.0 / 110900.0, 0, pr, &unv) == PARK_OK);
    CHECK_NEAR(pr[0], test_phi(60.0 / 100.0), 0.01); /* the south edge is on no piece's feature: the parcel's ±100 m */
    /* with the point's own error: both combined (sqrt(40^2 + 20^2)) */
    CHECK(park_locate_probability(ctx, layer, 121.4 + in60, 31.405, 40, pr, &unv) == PARK_OK);
    CHECK_NEAR(pr[0], test_phi(60.0 / hypot(40, 20)), 0.01);
    /* just outside the west edge (30 m): Phi(-30/20) */
    CHECK(park_locate_probability(ctx, layer, 121.4 - 30.0 / 95030.0, 31.405, 0, pr, &unv) == PARK_OK);
    CHECK_NEAR(pr[0], test_phi(-30.0 / 20.0), 0.01);
    /* the figure the note names: the nearest piece's error, else the parcel's */
    double ee = -1;
    CHECK(park_locate_edge_error(ctx, layer, 121.4 + in60, 31.405, 0, &ee) == PARK_OK);
    CHECK_NEAR(ee, 20, 1e-9);
    CHECK(park_locate_edge_error(ctx, layer, 121.41 - in60, 31.405, 0, &ee) == PARK_OK);
    CHECK_NEAR(ee, 300, 1e-9);
    CHECK(park_locate_edge_error(ctx, layer, 121.405, 31.4 + 60.0 / 110900.0, 0, &ee) == PARK_OK);
    CHECK_NEAR(ee, 100, 1e-9);
    CHECK(park_locate_edge_error(ctx, layer, 121.405, 31.405, 1, &ee) == PARK_ERR_USAGE);
    park_ctx_clear_error(ctx);
    park_layer_free(layer);
    park_ctx_free(ctx);
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return test_summary();
}
