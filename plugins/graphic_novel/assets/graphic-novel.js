/* graphic-novel: small enhancements; the site reads fully without them. */
