/* test_address_index.c - house-number placement and the parcel probabilities
 * (issue 10, src/query/address/{numbers,answer}.c) on a synthetic map written
 * to a temp dir: two 1 km squares (edge error 100 m), road 甲路 with known
 * numbers 10 (twice: one far-off entry that must be left out), 11 and 30; and
 * 乙路, a bent road of a second (四至) gazetteer with known numbers 10 and 30. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parkgis.h"
#include "parkgis_address.h"
#include "test.h"

static park_status look(park_ctx *ctx, park_resolver *res, const char *text, park_resolution *r) {
    park_address *a = NULL;
    park_status st = park_address_parse(ctx, text, &a);
    if (st) return st;
    st = park_address_resolve(ctx, res, a, PARK_DATUM_WGS84, r);
    park_address_free(a);
    return st;
}

int main(void) {
    char dir[] = "/tmp/parkgis-test-index-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char p[1024];
    snprintf(p, sizeof p, "%s/parcels.geojson", dir);
    test_put_file(p, "{\"type\":\"FeatureCollection\",\"features\":["
             "{\"type\":\"Feature\",\"properties\":{\"id\":\"robot\",\"name\":\"机器人产业园\",\"error_m\":100},"
             "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[121.4,31.4],[121.41,31.4],[121.41,31.41],[121.4,31.41],[121.4,31.4]]]}},"
             "{\"type\":\"Feature\",\"properties\":{\"id\":\"baoshan-industrial\",\"name\":\"宝山工业园区\",\"error_m\":100},"
             "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[121.41,31.4],[121.42,31.4],[121.42,31.41],[121.41,31.41],[121.41,31.4]]]}}]}\n");
    char gz[300], ix[320];
    snprintf(gz, sizeof gz, "%s/gz", dir);
    snprintf(ix, sizeof ix, "%s/index", gz);
    mkdir(gz, 0777), mkdir(ix, 0777);
    snprintf(p, sizeof p, "%s/roads.geojson", gz);
    test_put_file(p, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"甲路\",\"aliases\":\"\","
             "\"kind\":\"road\",\"provenance\":\"osm\",\"method\":\"test\",\"error_m\":5},"
             "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[121.4005,31.405],[121.4195,31.405]]}}]}\n");
    /* a 四至 gazetteer beside the index's: 乙路 runs east 427 m, then north 610 m (error 40 m) */
    char gz4[300], dirs[700];
    snprintf(gz4, sizeof gz4, "%s/gz4", dir);
    mkdir(gz4, 0777);
    snprintf(p, sizeof p, "%s/roads.geojson", gz4);
    test_put_file(p, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"乙路\",\"aliases\":\"\","
             "\"kind\":\"road\",\"provenance\":\"osm\",\"method\":\"test\",\"error_m\":40},"
             "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[121.4005,31.402],[121.405,31.402],[121.405,31.408]]}},"
             /* 丙路: a 95 m course; its known number 30 lies 900 m past its end */
             "{\"type\":\"Feature\",\"properties\":{\"name\":\"丙路\",\"aliases\":\"\",\"kind\":\"road\",\"provenance\":\"osm\","
             "\"method\":\"test\",\"error_m\":10},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[121.402,31.403],[121.403,31.403]]}},"
             /* 丁路: 1.8 km east-west; its known numbers 10 and 20 lie 95 m apart near its middle */
             "{\"type\":\"Feature\",\"properties\":{\"name\":\"丁路\",\"aliases\":\"\",\"kind\":\"road\",\"provenance\":\"osm\","
             "\"method\":\"test\",\"error_m\":10},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[121.4005,31.409],[121.4195,31.409]]}}]}\n");
    snprintf(dirs, sizeof dirs, "%s:%s", gz, gz4);
    snprintf(p, sizeof p, "%s/houses.geojson", ix);
#define H(n, x, y, e) "{\"type\":\"Feature\",\"properties\":{\"road\":\"甲路\",\"number\":" #n ",\"unit\":\"号\",\"address\":\"a\",\"sources\":\"s\",\"trusted\":1,\"error_m\":" #e "},\"geometry\":{\"type\":\"Point\",\"coordinates\":[" #x "," #y "]}}"
#define H2(n, x, y, e) "{\"type\":\"Feature\",\"properties\":{\"road\":\"乙路\",\"number\":" #n ",\"unit\":\"号\",\"address\":\"b\",\"sources\":\"s\",\"trusted\":1,\"error_m\":" #e "},\"geometry\":{\"type\":\"Point\",\"coordinates\":[" #x "," #y "]}}"
#define H4(n, x, y, e) "{\"type\":\"Feature\",\"properties\":{\"road\":\"丁路\",\"number\":" #n ",\"unit\":\"号\",\"address\":\"d\",\"sources\":\"s\",\"trusted\":1,\"error_m\":" #e "},\"geometry\":{\"type\":\"Point\",\"coordinates\":[" #x "," #y "]}}"
#define H3(n, x, y, e) "{\"type\":\"Feature\",\"properties\":{\"road\":\"丙路\",\"number\":" #n ",\"unit\":\"号\",\"address\":\"c\",\"sources\":\"s\",\"trusted\":1,\"error_m\":" #e "},\"geometry\":{\"type\":\"Point\",\"coordinates\":[" #x "," #y "]}}"
    test_put_file(p, "{\"type\":\"FeatureCollection\",\"features\":[" H3(10, 121.402, 31.4031, 20) "," H3(30, 121.412, 31.4031, 20) "," H(10, 121.401, 31.4051, 20) "," H(10, 121.415, 31.4051, 80) "," H(11, 121.401, 31.4049, 20) ","
             H(30, 121.409, 31.4051, 20) "," H2(10, 121.401, 31.4021, 20) "," H2(30, 121.4049, 31.4075, 20) "," H4(10, 121.405, 31.4091, 20) "," H4(20, 121.406, 31.4091, 20) "]}\n");

    /* places: a numbered estate series with one member known (丁一村) */
    snprintf(p, sizeof p, "%s/places.geojson", ix);
    test_put_file(p, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"丁一村\",\"kind\":\"estate\","
             "\"method\":\"test\",\"error_m\":70},\"geometry\":{\"type\":\"Point\",\"coordinates\":[121.403,31.406]}}]}\n");
    park_ctx *ctx = park_ctx_new();
    park_layer *layer = NULL;
    park_resolver *res = NULL;
    snprintf(p, sizeof p, "%s/parcels.geojson", dir);
    CHECK(park_layer_read(ctx, p, NULL, NULL, &layer) == PARK_OK);
    CHECK(layer && park_resolver_new(ctx, layer, dirs, &res) == PARK_OK);
    if (!res) return test_summary();
    park_resolution r;

    /* a known number: its point; the far-off second entry of 10 is left out */
    CHECK(look(ctx, res, "甲路10号", &r) == PARK_OK);
    CHECK(r.match == PARK_MATCH_NUMBER && r.has_point && !r.extrapolated);
    CHECK_NEAR(r.lon, 121.401, 1e-6);
    CHECK_NEAR(r.error_m, 20, 0.5);
    park_resolution_clear(&r);

    /* between 10 and 30 on the same side: halfway along, error from both points and the gap */
    CHECK(look(ctx, res, "甲路20号", &r) == PARK_OK);
    double d = park_geodesic_distance(ctx, 121.401, 31.4051, 121.409, 31.4051);
    CHECK(r.match == PARK_MATCH_NUMBER && !r.extrapolated);
    CHECK_NEAR(r.lon, 121.405, 1e-5);
    CHECK_NEAR(r.lat, 31.4051, 1e-5);
    CHECK_NEAR(r.error_m, sqrt(2 * 10.0 * 10.0 + d * d / 16), 1.0);
    CHECK(r.parcel && !strcmp(r.parcel->id, "robot"));
    park_resolution_clear(&r);

    /* past the last known number: extrapolated along 10 -> 30, no further than they are apart */
    CHECK(look(ctx, res, "甲路60号", &r) == PARK_OK);
    CHECK(r.extrapolated == 1);
    CHECK(r.lon > 121.409 && r.lon <= 121.417 + 1e-6);
    CHECK(r.error_m > d / 2);
    CHECK(strstr(r.note, "extrapolated") != NULL);
    park_resolution_clear(&r);

    /* a 四至 road: 20 is halfway between 10 and 30 ALONG its course (measures about 48 m and
     * 1037 m: 542 m, i.e. 115 m up the northern leg), on the course, not on the chord
     * that cuts the bend, but on the numbers' side: both lie about 10 m to its left (11 m
     * north of the eastward leg, 9.5 m west of the northward one), so 20 is 10.3 m west of
     * the northern leg (1.08e-4 degrees); its error adds the course's 40 m */
    CHECK(look(ctx, res, "乙路20号", &r) == PARK_OK);
    CHECK(r.match == PARK_MATCH_NUMBER && !r.extrapolated);
    CHECK_NEAR(r.lon, 121.405 - 1.08e-4, 2e-5);
    CHECK(r.lat > 31.4027 && r.lat < 31.4037);
    CHECK(r.error_m > 40);
    CHECK(r.note && strstr(r.note, "along the 四至 gazetteer's course") != NULL);
    park_resolution_clear(&r);
    /* past 30, where the course ends 55 m on (its spacing implies about 350 m): not clamped to
     * the course's end but continued straight along 10 -> 30 (north-east), beyond it (issue 10) */
    CHECK(look(ctx, res, "乙路40号", &r) == PARK_OK);
    CHECK(r.extrapolated == 1);
    CHECK(r.lon > 121.4055 && r.lat > 31.4085);
    CHECK(r.note && strstr(r.note, "along the 四至 gazetteer's course") == NULL);
    park_resolution_clear(&r);
    /* 丁路: the course runs on 1.2 km past 20: 30 is continued ALONG it (95 m east, on it) */
    CHECK(look(ctx, res, "丁路30号", &r) == PARK_OK);
    CHECK(r.extrapolated == 1);
    CHECK_NEAR(r.lon, 121.407, 2e-5);
    CHECK_NEAR(r.lat, 31.409, 2e-5);
    CHECK(r.note && strstr(r.note, "along the 四至 gazetteer's course") != NULL);
    park_resolution_clear(&r);

    /* a 四至 course that does not run past both numbers (30 is 900 m beyond its end, where the
     * measure is clamped): the straight line between them, not the course's end */
    CHECK(look(ctx, res, "丙路20号", &r) == PARK_OK);
    CHECK(r.match == PARK_MATCH_NUMBER && !r.extrapolated);
    CHECK_NEAR(r.lon, 121.407, 2e-5);
    CHECK(r.note && strstr(r.note, "along the 四至 gazetteer's course") == NULL);
    park_resolution_clear(&r);

    /* an estate of a numbered series of which one sibling is known: its point, ±300 m */
    CHECK(park_address_resolve_place(ctx, res, "丁三村", &r) == PARK_OK);
    CHECK(r.match == PARK_MATCH_PLACE && r.has_point);
    CHECK_NEAR(r.lon, 121.403, 1e-5);
    CHECK_NEAR(r.error_m, 300, 1);
    CHECK(r.note && strstr(r.note, "numbered series") != NULL);
    park_resolution_clear(&r);

    /* a road with no known numbers: the road answer, no point */
    CHECK(look(ctx, res, "甲路", &r) == PARK_OK);
    CHECK(r.match != PARK_MATCH_NUMBER && !r.has_point);
    park_resolution_clear(&r);

    /* coordinates near an edge: the parcel's probability is Phi(distance / edge error) */
    CHECK(park_address_resolve_point(ctx, res, 121.401, 31.405, PARK_DATUM_WGS84, &r) == PARK_OK);
    CHECK(r.parcel && !strcmp(r.parcel->id, "robot"));
    CHECK(r.distance_m > 80 && r.distance_m < 110);
    CHECK_NEAR(r.confidence, test_phi(r.distance_m / 100), 0.01);
    CHECK(r.ncandidates == 2); /* robot and outside */
    CHECK_NEAR(r.error_m, 0, 1e-9);
    park_resolution_clear(&r);
    /* on the shared edge: half each side */
    CHECK(park_address_resolve_point(ctx, res, 121.41, 31.405, PARK_DATUM_WGS84, &r) == PARK_OK);
    CHECK_NEAR(r.confidence, 0.5, 0.02);
    CHECK(r.ncandidates == 2);
    park_resolution_clear(&r);
    /* deep inside (about 475 m from every edge): certain */
    CHECK(park_address_resolve_point(ctx, res, 121.405, 31.405, PARK_DATUM_WGS84, &r) == PARK_OK);
    CHECK(r.confidence > 0.99);
    park_resolution_clear(&r);

    /* the batch asks only what its columns write: the same answer without the note, the
     * distance or both */
    {
        const double pts[][2] = {{121.401, 31.405}, {121.41, 31.405}, {121.405, 31.405}, {121.43, 31.42}, {121.3, 31.3}};
        const park_datum datums[] = {PARK_DATUM_WGS84, PARK_DATUM_GCJ02, PARK_DATUM_BD09};
        for (size_t i = 0; i < sizeof pts / sizeof *pts; i++)
            for (size_t d = 0; d < 3; d++) {
                for (unsigned f = 0; f < PARK_POINT_ALL; f++) {
                park_resolution on, off;
                park_resolver_set_point_fields(res, PARK_POINT_ALL);
                CHECK(park_address_resolve_point(ctx, res, pts[i][0], pts[i][1], datums[d], &on) == PARK_OK);
                park_resolver_set_point_fields(res, f);
                CHECK(park_address_resolve_point(ctx, res, pts[i][0], pts[i][1], datums[d], &off) == PARK_OK);
                park_resolver_set_point_fields(res, PARK_POINT_ALL);
                CHECK(on.note && *on.note && (f & PARK_POINT_NOTE ? off.note && !strcmp(on.note, off.note) : off.note == NULL));
                CHECK(f & (PARK_POINT_NOTE | PARK_POINT_DISTANCE) ? on.distance_m == off.distance_m : isnan(off.distance_m));
                CHECK(on.match == off.match && on.inside == off.inside && on.parcel == off.parcel && on.nearest == off.nearest);
                CHECK(on.confidence == off.confidence && on.lon == off.lon && on.lat == off.lat);
                CHECK(on.error_m == off.error_m && on.has_point == off.has_point);
                CHECK(!strcmp(on.point_from, off.point_from) && on.ncandidates == off.ncandidates);
                for (size_t k = 0; k < on.ncandidates && k < off.ncandidates; k++)
                    CHECK(on.candidates[k].parcel == off.candidates[k].parcel && on.candidates[k].share == off.candidates[k].share &&
                          !strcmp(on.candidates[k].role, off.candidates[k].role));
                park_resolution_clear(&on);
                park_resolution_clear(&off);
                }
            }
    }

    park_resolver_free(res);
    park_layer_free(layer);
    park_ctx_free(ctx);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return test_summary();
}
