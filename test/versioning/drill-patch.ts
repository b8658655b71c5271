/** The patch id of the versioning drill (test/versioning/). */
export const DRILL_PATCH = 'versioning-drill';
