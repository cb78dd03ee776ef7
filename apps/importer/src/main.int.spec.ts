import { serviceProbeSuite } from '@cw-hudu-sync/testing';

serviceProbeSuite('importer');
