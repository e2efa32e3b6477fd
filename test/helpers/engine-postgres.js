process.env.PACKWAY_TEST_ENGINE = 'postgres';
