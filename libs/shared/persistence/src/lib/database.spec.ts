import { describeMongoUrl, duplicateKeyPositions, isDuplicateKeyError } from './database';

describe('describeMongoUrl', () => {
  it('drops credentials and query', () => {
    expect(describeMongoUrl('mongodb://user:s3cret@db:27017/cw?directConnection=true')).toBe(
      'mongodb://db:27017/cw',
    );
  });
  it('does not echo garbage', () => {
    expect(describeMongoUrl('not a url s3cret')).toBe('(unparseable MongoDB URL)');
  });
});

describe('isDuplicateKeyError', () => {
  it('recognises E11000 only', () => {
    expect(isDuplicateKeyError({ code: 11000 })).toBe(true);
    expect(isDuplicateKeyError({ code: 11001 })).toBe(false);
    expect(isDuplicateKeyError(new Error('x'))).toBe(false);
    expect(isDuplicateKeyError(null)).toBe(false);
  });
});

describe('duplicateKeyPositions', () => {
  it('lists the positions an unordered insert refused as duplicates, and nothing for any other failure', () => {
    const duplicate = (index: number) => ({ index, code: 11000 });
    expect(duplicateKeyPositions({ writeErrors: [duplicate(0), duplicate(3)] })).toEqual([0, 3]);
    expect(duplicateKeyPositions({ writeErrors: duplicate(2) })).toEqual([2]); // the driver's single form
    expect(duplicateKeyPositions({ writeErrors: [duplicate(0), { index: 1, code: 121 }] })).toBeUndefined();
    expect(duplicateKeyPositions({ writeErrors: [] })).toBeUndefined();
    expect(duplicateKeyPositions({ code: 11000 })).toBeUndefined(); // no positions to act on
    expect(duplicateKeyPositions(new Error('socket closed'))).toBeUndefined();
    expect(duplicateKeyPositions(null)).toBeUndefined();
  });
});
