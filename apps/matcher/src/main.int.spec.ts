import { serviceProbeSuite } from '@cw-hudu-sync/testing';

serviceProbeSuite('matcher');
